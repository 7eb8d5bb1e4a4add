package dev.cairn.datasets;

import dev.cairn.platform.ApiError;
import dev.cairn.platform.CairnException;

/** The datasets feature's refusals, each with its HTTP status and OpenAI-shaped error. */
public class DatasetException extends CairnException {

    DatasetException(ApiError error) {
        super(error);
    }

    /** The same answer for an id that does not exist and one of another workspace. */
    static DatasetException notFound(String id) {
        return new DatasetException(new ApiError(404, "invalid_request_error", "dataset_not_found", "id",
                "No dataset '" + id + "' in this workspace"));
    }

    static DatasetException invalid(String code, String param, String message) {
        return new DatasetException(ApiError.invalidRequest(code, param, message));
    }

    static DatasetException auditUnavailable() {
        return new DatasetException(new ApiError(503, "server_error", "audit_unavailable", null,
                "The audit log could not record this dataset's manifest; retry later"));
    }
}
