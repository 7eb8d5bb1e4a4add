package dev.cairn.gateway;

import dev.cairn.platform.ApiError;
import dev.cairn.platform.CairnException;
import dev.cairn.platform.RecordableJson;

/** A call the gateway could not complete: an unknown model, or an upstream that failed or refused. */
public final class GatewayException extends CairnException {

    public GatewayException(ApiError error) {
        super(error);
    }

    private GatewayException(ApiError error, Throwable cause) {
        super(error, cause);
    }

    static GatewayException unknownModel(String model) {
        return new GatewayException(new ApiError(404, "invalid_request_error", "model_not_found", "model",
                "The model '" + model + "' does not exist: use '<provider>/<model>' with a configured provider, "
                        + "an alias, or cairn/echo (GET /v1/models lists them)"));
    }

    /** The upstream refused the request (4xx): same status, its own message. */
    public static GatewayException upstreamRefused(String provider, int status, String message, String type,
                                                   String code, String param) {
        // The upstream's words go into the answer and the audit entry: both need well-formed text.
        return new GatewayException(new ApiError(status, type == null ? "invalid_request_error" : RecordableJson.wellFormed(type),
                code == null ? "upstream_error" : RecordableJson.wellFormed(code), RecordableJson.wellFormed(param),
                message == null ? "Provider '" + provider + "' refused the request with HTTP " + status
                        : RecordableJson.wellFormed(message)));
    }

    /** The upstream failed (5xx or garbage): the caller sees a 502. */
    public static GatewayException upstreamFailed(String provider, String detail) {
        return new GatewayException(new ApiError(502, "upstream_error", "upstream_failed", null,
                "Provider '" + provider + "' failed: " + RecordableJson.wellFormed(detail)));
    }

    public static GatewayException unreachable(String provider, Throwable cause) {
        return new GatewayException(new ApiError(502, "upstream_error", "upstream_unreachable", null,
                "Provider '" + provider + "' could not be reached: " + cause.getClass().getSimpleName()
                        + (cause.getMessage() == null ? "" : ": " + cause.getMessage())), cause);
    }

    public static GatewayException timeout(String provider, Throwable cause) {
        return new GatewayException(new ApiError(504, "upstream_error", "upstream_timeout", null,
                "Provider '" + provider + "' did not answer in time"), cause);
    }
}
