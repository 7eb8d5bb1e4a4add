package dev.cairn.memory;

import dev.cairn.platform.ApiError;
import dev.cairn.platform.CairnException;

/** A memory resource that is missing (404) or in the way (409) in the caller's workspace. */
public final class MemoryException extends CairnException {

    private MemoryException(ApiError error) {
        super(error);
    }

    public static MemoryException notFound(String what, String id) {
        return new MemoryException(new ApiError(404, "invalid_request_error", what + "_not_found", null,
                "No " + what + " '" + id + "' in this workspace"));
    }

    public static MemoryException unknownWorkspace(String id) {
        return new MemoryException(new ApiError(404, "invalid_request_error", "workspace_not_found", null,
                "No workspace '" + id + "' has memory yet; POST /v1/memory/workspaces creates it"));
    }

    public static MemoryException conflict(String code, String param, String message) {
        return new MemoryException(new ApiError(409, "invalid_request_error", code, param, message));
    }
}
