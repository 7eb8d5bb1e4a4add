package dev.cairn.gateway;

import java.time.Duration;

import dev.cairn.platform.ApiError;
import dev.cairn.platform.CairnException;
import dev.cairn.platform.RecordableJson;

/**
 * A call the gateway could not complete: an unknown model, or an upstream that failed or refused.
 * An upstream's failure carries its {@link Fault}, which tells routing whether another attempt may
 * succeed where this one failed.
 */
public final class GatewayException extends CairnException {

    /** What kind of upstream failure this was; null for failures that are not an upstream's. */
    private final Fault fault;
    /** How long the client should wait before it tries again, when that is known; null otherwise. */
    private final Duration retryAfter;

    public GatewayException(ApiError error) {
        this(error, null, null);
    }

    private GatewayException(ApiError error, Fault fault, Throwable cause) {
        this(error, fault, fault == null ? null : fault.retryAfter(), cause);
    }

    private GatewayException(ApiError error, Fault fault, Duration retryAfter, Throwable cause) {
        super(error, cause);
        this.fault = fault;
        this.retryAfter = retryAfter;
    }

    /** How an upstream failed, as routing reads it. */
    public enum FaultKind {
        /** No connection: refused, reset, DNS. */
        UNREACHABLE,
        /** Connect, first token or total time ran out. */
        TIMEOUT,
        /** 429. */
        RATE_LIMITED,
        /** 5xx. */
        SERVER_ERROR,
        /** A 2xx answer that is not what the protocol says: not JSON, or a stream cut short. */
        MALFORMED,
        /** The prompt is longer than the model's context window. */
        CONTEXT_WINDOW,
        /** The upstream refused the content under its own policy. */
        CONTENT_POLICY,
        /** Any other 4xx: the request itself is wrong for this upstream. */
        REFUSED
    }

    /**
     * One upstream failure: its kind, the upstream's status (0 when it sent none), and how long it
     * asked to be left alone ({@code Retry-After} or {@code retry-after-ms}; null when it did not say).
     */
    public record Fault(FaultKind kind, int upstreamStatus, Duration retryAfter) {

        /** Whether the same request may succeed on another try: failures of the upstream, 408 and 409, never another 4xx. */
        public boolean retryable() {
            return switch (kind) {
                case UNREACHABLE, TIMEOUT, RATE_LIMITED, SERVER_ERROR, MALFORMED -> true;
                case REFUSED -> upstreamStatus == 408 || upstreamStatus == 409;
                case CONTEXT_WINDOW, CONTENT_POLICY -> false;
            };
        }

        /** The label in audit entries and metrics: {@code http_503}, {@code timeout}, {@code unreachable}... */
        public String label() {
            return switch (kind) {
                case UNREACHABLE -> "unreachable";
                case TIMEOUT -> "timeout";
                case MALFORMED -> "malformed";
                case CONTEXT_WINDOW -> "context_window";
                case CONTENT_POLICY -> "content_policy";
                case RATE_LIMITED, SERVER_ERROR, REFUSED -> "http_" + upstreamStatus;
            };
        }
    }

    /** The upstream's failure, or null when this is not one. */
    public Fault fault() {
        return fault;
    }

    /** The client's {@code Retry-After}: the upstream's own, or when a blocked deployment frees up; null when unknown. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** Every deployment that could answer is blocked (breaker open, or cooling down): 503, try again later. */
    public static GatewayException noDeploymentAvailable(String model, Duration retryAfter) {
        return new GatewayException(new ApiError(503, "upstream_error", "no_deployment_available", "model",
                "No deployment that could answer '" + model + "' is available: their circuit breakers are open or they"
                        + " asked to be left alone" + (retryAfter == null ? "" : "; try again in "
                        + Math.max(1, (retryAfter.toMillis() + 999) / 1000) + " s")), null, retryAfter, null);
    }

    public static GatewayException unknownModel(String model) {
        return unknownModel(model, "model");
    }

    /** {@code param}: the field that named it ({@code model}, or {@code models} for a fallback). */
    public static GatewayException unknownModel(String model, String param) {
        return new GatewayException(new ApiError(404, "invalid_request_error", "model_not_found", param,
                "The model '" + model + "' does not exist: use '<provider>/<model>' with a configured provider, "
                        + "a model group, an alias, or cairn/echo (GET /v1/models lists them)"));
    }

    /** The upstream refused the request (4xx): same status, its own message. */
    public static GatewayException upstreamRefused(String provider, int status, String message, String type,
                                                   String code, String param, FaultKind kind, Duration retryAfter) {
        // The upstream's words go into the answer and the audit entry: both need well-formed text.
        return new GatewayException(new ApiError(status, type == null ? "invalid_request_error" : RecordableJson.wellFormed(type),
                code == null ? "upstream_error" : RecordableJson.wellFormed(code), RecordableJson.wellFormed(param),
                message == null ? "Provider '" + provider + "' refused the request with HTTP " + status
                        : RecordableJson.wellFormed(message)), new Fault(kind, status, retryAfter), null);
    }

    /** The upstream failed with a 5xx: the caller sees a 502. */
    public static GatewayException upstreamFailed(String provider, int status, String detail, Duration retryAfter) {
        return new GatewayException(new ApiError(502, "upstream_error", "upstream_failed", null,
                "Provider '" + provider + "' failed: " + RecordableJson.wellFormed(detail)),
                new Fault(FaultKind.SERVER_ERROR, status, retryAfter), null);
    }

    /** The upstream answered 2xx with something that is not a valid answer: the caller sees a 502. */
    public static GatewayException upstreamFailed(String provider, String detail) {
        return new GatewayException(new ApiError(502, "upstream_error", "upstream_failed", null,
                "Provider '" + provider + "' failed: " + RecordableJson.wellFormed(detail)),
                new Fault(FaultKind.MALFORMED, 0, null), null);
    }

    public static GatewayException unreachable(String provider, Throwable cause) {
        return new GatewayException(new ApiError(502, "upstream_error", "upstream_unreachable", null,
                "Provider '" + provider + "' could not be reached: " + cause.getClass().getSimpleName()
                        + (cause.getMessage() == null ? "" : ": " + cause.getMessage())),
                new Fault(FaultKind.UNREACHABLE, 0, null), cause);
    }

    /** The upstream did not answer within {@code limit} (for example "its first token within 2s"). */
    public static GatewayException timeout(String provider, String limit, Throwable cause) {
        return new GatewayException(new ApiError(504, "upstream_error", "upstream_timeout", null,
                "Provider '" + provider + "' did not answer in time" + (limit == null ? "" : ": no " + limit)),
                new Fault(FaultKind.TIMEOUT, 0, null), cause);
    }
}
