package dev.cairn.gateway.responses;

import dev.cairn.platform.ApiError;
import dev.cairn.platform.CairnException;

/**
 * A stored response that cannot be given: unknown to the caller's workspace (or deleted), which is
 * a 404 whatever the reason so that other workspaces' ids cannot be probed, or one whose content
 * was erased with its subject (410).
 */
public final class ResponsesException extends CairnException {

    private ResponsesException(ApiError error) {
        super(error);
    }

    static ResponsesException notFound(String id, String param) {
        return new ResponsesException(new ApiError(404, "invalid_request_error", "response_not_found", param,
                "Response with id '" + id + "' not found."));
    }

    static ResponsesException itemNotFound(String id, String param) {
        return new ResponsesException(new ApiError(404, "invalid_request_error", "item_not_found", param,
                "Item with id '" + id + "' not found among this workspace's stored responses."));
    }

    static ResponsesException erased(String id, String param) {
        return new ResponsesException(new ApiError(410, "invalid_request_error", "response_erased", param,
                "The content of response '" + id + "' was erased with its data subject; it can no longer be read or continued"));
    }

    static ResponsesException unavailable(String id, String param, String state) {
        return new ResponsesException(new ApiError(409, "invalid_request_error", "response_unavailable", param,
                "The content of response '" + id + "' cannot be opened (" + state + "); it can be neither read nor continued"));
    }
}
