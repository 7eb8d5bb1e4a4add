package dev.cairn.compliance;

import dev.cairn.platform.ApiError;
import dev.cairn.platform.CairnException;

/**
 * The compliance feature's refusals in the OpenAI error shape: a 400 naming the parameter at fault,
 * a 403 for a key that may not read reports, a 404 for a report that is not kept, a 409 while another
 * report is being made, a 503 when the log cannot be read whole.
 */
public class ComplianceException extends CairnException {

    ComplianceException(ApiError error) {
        super(error);
    }

    static ComplianceException invalid(String param, String message) {
        return new ComplianceException(ApiError.invalidRequest("invalid_value", param, message));
    }

    static ComplianceException forbidden(String message) {
        return new ComplianceException(new ApiError(403, "permission_error", "forbidden", null, message));
    }

    static ComplianceException busy() {
        return new ComplianceException(new ApiError(409, "invalid_request_error", "report_in_progress", null,
                "Another report is being made on this server; try again when it is done"));
    }

    /** An entry the report must read is gone: the archive directory is missing or incomplete. */
    static ComplianceException logUnreadable(String detail) {
        return new ComplianceException(new ApiError(503, "api_error", "audit_log_unreadable", null,
                "The report cannot be made: " + detail + ". Restore cairn.audit.retention.archive-dir; "
                        + "GET /v1/compliance/status shows the retention check"));
    }

    static ComplianceException notFound(String id) {
        return new ComplianceException(new ApiError(404, "invalid_request_error", "report_not_found", "id",
                "No compliance report with id '" + id + "'"));
    }
}
