package dev.cairn.guard;

import dev.cairn.platform.ApiError;
import dev.cairn.platform.CairnException;

/** A request the guard blocked: 400 {@code content_blocked}, naming the category and the request. */
public final class GuardException extends CairnException {

    private GuardException(ApiError error) {
        super(error);
    }

    public static GuardException blocked(String category, String requestId) {
        return new GuardException(new ApiError(400, "invalid_request_error", "content_blocked", "messages",
                "The guard blocked this request: " + category + " (request " + requestId + ")"));
    }
}
