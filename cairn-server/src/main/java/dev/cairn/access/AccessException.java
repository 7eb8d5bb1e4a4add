package dev.cairn.access;

import dev.cairn.platform.ApiError;
import dev.cairn.platform.CairnException;

/** A caller without a valid key, or with a key that does not allow what it asked for. */
public final class AccessException extends CairnException {

    private AccessException(ApiError error) {
        super(error);
    }

    static AccessException missingKey() {
        return new AccessException(new ApiError(401, "invalid_request_error", "missing_api_key", null,
                "No API key: send 'Authorization: Bearer ck_...' (or 'x-api-key: ck_...')"));
    }

    /** {@code flaw} says what is wrong with the key's form, without quoting it. */
    static AccessException malformedKey(String flaw) {
        return new AccessException(new ApiError(401, "invalid_request_error", "invalid_api_key", null,
                "Malformed API key: " + flaw));
    }

    static AccessException malformedHeader() {
        return new AccessException(new ApiError(401, "invalid_request_error", "invalid_api_key", null,
                "Malformed Authorization header: send the key as 'Authorization: Bearer ck_...'"));
    }

    static AccessException conflictingKeys() {
        return new AccessException(new ApiError(401, "invalid_request_error", "conflicting_api_keys", null,
                "The request names different API keys in its Authorization, x-api-key and api-key headers: send one key"));
    }

    static AccessException unknownKey() {
        return new AccessException(new ApiError(401, "invalid_request_error", "invalid_api_key", null,
                "Unknown API key: no Cairn key has this secret"));
    }

    static AccessException revokedKey() {
        return new AccessException(new ApiError(401, "invalid_request_error", "revoked_api_key", null,
                "This API key has been revoked"));
    }

    public static AccessException roleRequired(Role role) {
        return new AccessException(new ApiError(403, "permission_error", role.wireName() + "_key_required", null,
                "This endpoint needs " + (role == Role.USER ? "a " : "an ") + role.wireName() + " key (or one of a higher role)"));
    }

    public static AccessException modelNotAllowed(String model) {
        return new AccessException(new ApiError(403, "permission_error", "model_not_allowed", "model",
                "This API key may not use the model '" + model + "'"));
    }

    public static AccessException otherWorkspace(String message) {
        return new AccessException(new ApiError(403, "permission_error", "workspace_not_allowed", null, message));
    }

    static AccessException keyNotFound(String id) {
        return new AccessException(new ApiError(404, "invalid_request_error", "key_not_found", "id",
                "No API key with id '" + id + "'"));
    }

    static AccessException invalidField(String param, String message) {
        return new AccessException(ApiError.invalidRequest("invalid_value", param, message));
    }
}
