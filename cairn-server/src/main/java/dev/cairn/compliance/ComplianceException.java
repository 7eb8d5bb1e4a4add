package dev.cairn.compliance;

import dev.cairn.platform.ApiError;
import dev.cairn.platform.CairnException;

/**
 * The compliance feature's refusals in the OpenAI error shape: a 400 naming the parameter at fault,
 * a 403 for a key that may not read reports, a 404 for a report that is not kept.
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

    static ComplianceException notFound(String id) {
        return new ComplianceException(new ApiError(404, "invalid_request_error", "report_not_found", "id",
                "No compliance report with id '" + id + "'"));
    }
}
