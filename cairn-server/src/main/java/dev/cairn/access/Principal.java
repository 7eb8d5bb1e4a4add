package dev.cairn.access;

import java.util.List;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Who is calling: the key's id, its workspace, its {@link Role}, and which models it may call. Entries of {@code allowedModels} ending in {@code *} match by prefix.
 */
public record Principal(String keyId, String workspace, Role role, List<String> allowedModels) {

    public static final String REQUEST_ATTRIBUTE = Principal.class.getName();

    public boolean admin() {
        return role == Role.ADMIN;
    }

    public boolean has(Role required) {
        return role.includes(required);
    }

    public boolean mayUse(String model) {
        if (allowedModels.isEmpty()) {
            return true;
        }
        for (String allowed : allowedModels) {
            if (allowed.endsWith("*") ? model.startsWith(allowed.substring(0, allowed.length() - 1)) : allowed.equals(model)) {
                return true;
            }
        }
        return false;
    }

    /** The principal that {@link ApiKeyInterceptor} attached to this request. */
    public static Principal of(HttpServletRequest request) {
        Principal principal = (Principal) request.getAttribute(REQUEST_ATTRIBUTE);
        if (principal == null) {
            throw AccessException.missingKey();
        }
        return principal;
    }
}
