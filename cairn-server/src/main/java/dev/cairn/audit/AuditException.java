package dev.cairn.audit;

import dev.cairn.platform.ApiError;
import dev.cairn.platform.CairnException;

/** The audit feature's failures, each with its HTTP status and OpenAI-shaped error. */
public class AuditException extends CairnException {

    public AuditException(ApiError error) {
        super(error);
    }

    public AuditException(ApiError error, Throwable cause) {
        super(error, cause);
    }

    /** The entry could not be committed, so the response is withheld: nothing goes unrecorded. */
    static AuditException unavailable(Throwable cause) {
        return new AuditException(new ApiError(503, "server_error", "audit_unavailable", null,
                "The audit log could not record this request, so it was not completed; retry later"), cause);
    }

    static AuditException notYetCovered(long index) {
        return new AuditException(new ApiError(503, "server_error", "checkpoint_pending", null,
                "Entry " + index + " is recorded but no signed checkpoint covers it yet; retry in a second"));
    }

    static AuditException notFound(String what) {
        return new AuditException(new ApiError(404, "invalid_request_error", "not_found", null,
                what + " is not in the audit log"));
    }

    static AuditException forbidden(String message) {
        return new AuditException(new ApiError(403, "permission_error", "forbidden", null, message));
    }

    static AuditException invalid(String param, String message) {
        return new AuditException(ApiError.invalidRequest("invalid_value", param, message));
    }
}
