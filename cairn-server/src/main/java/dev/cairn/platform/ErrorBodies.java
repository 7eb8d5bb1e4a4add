package dev.cairn.platform;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Renders {@link ApiError}s for HTTP bodies and stream events alike: in the OpenAI error shape, or,
 * for the routes of Anthropic's Messages API, in Anthropic's. Which one a request gets is decided by
 * its path, here and nowhere else ({@link Shape#forPath}), so that an error raised before any
 * handler (a missing key, a body too large, Tomcat's own refusals) has the same shape as the
 * handler's own.
 */
public final class ErrorBodies {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The path of Anthropic's Messages API, and the prefix of its sub-resources ({@code /count_tokens}). */
    private static final String MESSAGES_PATH = "/v1/messages";

    private ErrorBodies() {
    }

    /** The error shapes Cairn writes. */
    public enum Shape {
        /** {@code {"error":{"message","type","code","param"}}}, for every OpenAI-compatible route. */
        OPENAI,
        /** {@code {"type":"error","error":{"type","message"}}}, for {@code /v1/messages} and below. */
        ANTHROPIC;

        /** The shape for a request's path (without query); OpenAI's for a path that is null or unknown. */
        public static Shape forPath(String path) {
            return path != null && path.startsWith(MESSAGES_PATH)
                    && (path.length() == MESSAGES_PATH.length() || path.charAt(MESSAGES_PATH.length()) == '/')
                    ? ANTHROPIC : OPENAI;
        }
    }

    /** The OpenAI shape. */
    public static ObjectNode tree(ApiError error) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode body = root.putObject("error");
        body.put("message", error.message());
        body.put("type", error.type());
        body.put("code", error.code());
        body.put("param", error.param());
        return root;
    }

    public static ObjectNode tree(ApiError error, Shape shape) {
        return shape == Shape.ANTHROPIC ? anthropicTree(anthropicType(error.status(), error.type()), error.message()) : tree(error);
    }

    public static byte[] bytes(ApiError error) {
        return JSON.writeValueAsBytes(tree(error));
    }

    public static byte[] bytes(ApiError error, Shape shape) {
        return JSON.writeValueAsBytes(tree(error, shape));
    }

    /** Anthropic's error body: {@code {"type":"error","error":{"type":…,"message":…}}}. */
    public static ObjectNode anthropicTree(String type, String message) {
        ObjectNode root = JSON.createObjectNode();
        root.put("type", "error");
        root.putObject("error").put("type", type).put("message", message);
        return root;
    }

    /**
     * Anthropic's error type for a Cairn error: by status, as Anthropic assigns them (its SDKs
     * choose their exception by status too); by the OpenAI type when the status is unknown (0: an
     * error that ends a stream already under way, which carries only the OpenAI body). Cairn's code
     * has no place in Anthropic's shape; the message names the problem either way.
     */
    public static String anthropicType(int status, String openAiType) {
        return switch (status) {
            case 0 -> switch (openAiType == null ? "" : openAiType) {
                case "invalid_request_error" -> "invalid_request_error";
                case "permission_error" -> "permission_error";
                // Rate limits carry OpenAI's measure as their type; a spent budget is insufficient_quota.
                case "requests", "tokens", "insufficient_quota" -> "rate_limit_error";
                default -> "api_error";
            };
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            // No deployment free to answer: what Anthropic calls being overloaded (its 529).
            case 503 -> "overloaded_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
    }
}
