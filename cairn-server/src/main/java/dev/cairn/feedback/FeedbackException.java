package dev.cairn.feedback;

import java.time.Duration;

import dev.cairn.platform.ApiError;
import dev.cairn.platform.CairnException;

/** The feedback feature's refusals, each with its HTTP status and OpenAI-shaped error. */
public class FeedbackException extends CairnException {

    FeedbackException(ApiError error) {
        super(error);
    }

    /** The same answer for a request id that does not exist and one of another workspace. */
    static FeedbackException indexUnavailable(Duration waited) {
        return new FeedbackException(new ApiError(503, "server_error", "feedback_unavailable", null,
                "The feedback index did not commit within " + waited.toSeconds() + " s; the feedback's audit entries "
                        + "may be written already, so check GET /v1/feedback before sending it again"));
    }

    static FeedbackException unknownRequest(String param, String requestId) {
        return new FeedbackException(new ApiError(404, "invalid_request_error", "request_not_found", param,
                "No request '" + requestId + "' in this workspace's log"));
    }

    static FeedbackException invalid(String code, String param, String message) {
        return new FeedbackException(ApiError.invalidRequest(code, param, message));
    }

    static FeedbackException unknownMetric(String param, String name) {
        return invalid("unknown_metric", param, "No metric '" + name + "' in this workspace; "
                + "metrics are set under cairn.feedback.metrics or with PUT /admin/feedback/metrics/{workspace}/{name}");
    }

    static FeedbackException idempotencyKeyReused() {
        return new FeedbackException(new ApiError(422, "invalid_request_error", "idempotency_key_reused", "Idempotency-Key",
                "This Idempotency-Key was first used with a different body; a replay must send the same body"));
    }

    static FeedbackException idempotencyKeyInFlight() {
        return new FeedbackException(new ApiError(409, "invalid_request_error", "idempotency_key_in_flight", "Idempotency-Key",
                "A request with this Idempotency-Key is still being processed; retry in a moment"));
    }

    static FeedbackException metricNotFound(String workspace, String name) {
        return new FeedbackException(new ApiError(404, "invalid_request_error", "not_found", null,
                "No metric '" + name + "' stored for workspace '" + workspace + "'"));
    }
}
