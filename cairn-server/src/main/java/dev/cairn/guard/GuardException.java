package dev.cairn.guard;

import dev.cairn.platform.ApiError;
import dev.cairn.platform.CairnException;

/** A request or answer the guard blocked: 400 {@code content_blocked}, naming the category and the request. */
public final class GuardException extends CairnException {

    private GuardException(ApiError error) {
        super(error);
    }

    /**
     * A request blocked for what was found in {@code source}: the message names the category and where
     * it was found ({@code messages[3] (tool)}, {@code memory recalled by Cairn}), and {@code param}
     * points at the message (none for memory, which the client did not send).
     */
    public static GuardException blocked(String category, InputSource source, String requestId) {
        String param = source.kind() == InputSource.Kind.MEMORY ? null
                : "messages[" + source.message() + "]" + (source.part() < 0 ? "" : ".content[" + source.part() + "]");
        return new GuardException(new ApiError(400, "invalid_request_error", "content_blocked", param,
                "The guard blocked this request: " + category + " in " + source.where() + " (request " + requestId + ")"));
    }

    /** The answer the model gave was blocked: the same error, so that clients handle one shape. */
    public static GuardException answerBlocked(String category, String requestId) {
        return new GuardException(new ApiError(400, "invalid_request_error", "content_blocked", null,
                "The guard blocked the answer: " + category + " (request " + requestId + ")"));
    }
}
