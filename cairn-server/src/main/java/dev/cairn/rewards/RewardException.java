package dev.cairn.rewards;

import dev.cairn.platform.ApiError;
import dev.cairn.platform.CairnException;

/** The reward models feature's refusals, each with its HTTP status and OpenAI-shaped error. */
public class RewardException extends CairnException {

    RewardException(ApiError error) {
        super(error);
    }

    /** The same answer for a name that does not exist and one of another workspace. */
    public static RewardException modelNotFound(String param, String name) {
        return new RewardException(new ApiError(404, "invalid_request_error", "reward_model_not_found", param,
                "No reward model '" + name + "' in this workspace"));
    }

    public static RewardException invalid(String code, String param, String message) {
        return new RewardException(ApiError.invalidRequest(code, param, message));
    }

    static RewardException runNotFound(String id) {
        return new RewardException(new ApiError(404, "invalid_request_error", "training_run_not_found", "id",
                "No training run '" + id + "' in this workspace"));
    }

    static RewardException conflict(String code, String param, String message) {
        return new RewardException(new ApiError(409, "invalid_request_error", code, param, message));
    }

    static RewardException auditUnavailable() {
        return new RewardException(new ApiError(503, "server_error", "audit_unavailable", null,
                "The audit log could not record this training run; retry later"));
    }
}
