package dev.cairn.guard;

import dev.cairn.platform.ApiError;
import dev.cairn.platform.CairnException;

/** A request or answer the guard blocked: 400 {@code content_blocked}, naming the category and the request. */
public final class GuardException extends CairnException {

    private GuardException(ApiError error) {
        super(error);
    }

    public static GuardException blocked(String category, String requestId) {
        return new GuardException(new ApiError(400, "invalid_request_error", "content_blocked", "messages",
                "The guard blocked this request: " + category + " (request " + requestId + ")"));
    }

    /** The answer the model gave was blocked: the same error, so that clients handle one shape. */
    public static GuardException answerBlocked(String category, String requestId) {
        return new GuardException(new ApiError(400, "invalid_request_error", "content_blocked", null,
                "The guard blocked the answer: " + category + " (request " + requestId + ")"));
    }
}
