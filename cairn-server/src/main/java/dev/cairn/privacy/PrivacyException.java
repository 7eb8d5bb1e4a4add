package dev.cairn.privacy;

import dev.cairn.platform.ApiError;
import dev.cairn.platform.CairnException;

/**
 * The privacy feature's refusals in the OpenAI error shape: a 400 naming the field at fault, a 404
 * for a holder that is not the workspace's, a 409 for a computation its budgets cannot pay for, a
 * 503 when the audit log cannot record a charge.
 */
public class PrivacyException extends CairnException {

    PrivacyException(ApiError error) {
        super(error);
    }

    static PrivacyException invalid(String code, String param, String message) {
        return new PrivacyException(ApiError.invalidRequest(code, param, message));
    }

    static PrivacyException invalidValue(String param, String message) {
        return invalid("invalid_value", param, message);
    }

    /** The same answer for a holder that does not exist and one of another workspace. */
    static PrivacyException holderNotFound(BudgetHolder holder) {
        return new PrivacyException(new ApiError(404, "invalid_request_error", "budget_holder_not_found", "id",
                "No " + holder + " in this workspace"));
    }

    static PrivacyException budgetNotSet(BudgetHolder holder) {
        return new PrivacyException(new ApiError(404, "invalid_request_error", "budget_not_set", "id",
                "No budget is set for " + holder + "; the configured default applies"));
    }

    static PrivacyException conflict(String code, String param, String message) {
        return new PrivacyException(new ApiError(409, "invalid_request_error", code, param, message));
    }

    static PrivacyException auditUnavailable() {
        return new PrivacyException(new ApiError(503, "server_error", "audit_unavailable", null,
                "The audit log could not record the privacy charge, so nothing was charged; retry later"));
    }
}
