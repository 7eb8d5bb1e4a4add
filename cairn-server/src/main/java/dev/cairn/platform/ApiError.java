package dev.cairn.platform;

/**
 * One error as OpenAI clients expect it: {@code {"error":{"message","type","code","param"}}} sent
 * with {@code status}.
 */
public record ApiError(int status, String type, String code, String param, String message) {

    /** The answer to a failure Cairn did not foresee: says nothing beyond where to look. */
    public static final ApiError INTERNAL = new ApiError(500, "server_error", "internal_error", null,
            "Cairn failed to process the request; the trace id in Cairn-Trace-Id finds it in the logs");

    public static ApiError invalidRequest(String code, String param, String message) {
        return new ApiError(400, "invalid_request_error", code, param, message);
    }
}
