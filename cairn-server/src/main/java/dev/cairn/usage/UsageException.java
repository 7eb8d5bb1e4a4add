package dev.cairn.usage;

import dev.cairn.platform.ApiError;
import dev.cairn.platform.CairnException;

/** The usage ledger's failure: a request whose usage row could not be written is not answered. */
public final class UsageException extends CairnException {

    private UsageException(ApiError error, Throwable cause) {
        super(error, cause);
    }

    static UsageException unavailable(Throwable cause) {
        return new UsageException(new ApiError(503, "server_error", "usage_unavailable", null,
                "The usage ledger could not record this request, so it was not completed; retry later"), cause);
    }
}
