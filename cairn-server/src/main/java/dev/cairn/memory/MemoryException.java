package dev.cairn.memory;

import dev.cairn.platform.ApiError;
import dev.cairn.platform.CairnException;

/**
 * A memory resource that is missing (404) or in the way (409) in the caller's workspace, or a
 * call's turns that could not be stored (503).
 */
public final class MemoryException extends CairnException {

    private MemoryException(ApiError error) {
        super(error);
    }

    private MemoryException(ApiError error, Throwable cause) {
        super(error, cause);
    }

    /** The call's turns could not be stored on its thread, so the call is not completed. */
    static MemoryException unavailable(Throwable cause) {
        return new MemoryException(new ApiError(503, "server_error", "memory_unavailable", null,
                "Cairn could not store this call's turns on its thread, so it was not completed; retry later"), cause);
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
