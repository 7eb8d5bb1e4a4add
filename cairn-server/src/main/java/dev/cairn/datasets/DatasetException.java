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

    /** An export (or anything that needs the rows) of a version that is not built: still building, or failed. */
    static DatasetException notBuilt(Dataset dataset) {
        if (dataset.failure() != null) {
            return new DatasetException(new ApiError(409, "invalid_request_error", "dataset_build_failed", "id",
                    "Dataset '" + dataset.id() + "' failed to build (" + dataset.failure().code() + "): "
                            + dataset.failure().message() + "; build a new version"));
        }
        return new DatasetException(new ApiError(409, "invalid_request_error", "dataset_not_ready", "id",
                "Dataset '" + dataset.id() + "' is still building (" + dataset.progress().scanned() + " interactions scanned, "
                        + dataset.rows() + " rows written); poll GET /v1/datasets/" + dataset.id()
                        + " until its state is built, then export it"));
    }

    static DatasetException auditUnavailable() {
        return new DatasetException(new ApiError(503, "server_error", "audit_unavailable", null,
                "The audit log could not record this dataset's manifest; retry later"));
    }
}
