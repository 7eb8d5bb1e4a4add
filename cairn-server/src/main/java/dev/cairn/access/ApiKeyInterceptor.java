package dev.cairn.access;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Authenticates every request to a protected path before any handler runs, so no endpoint can
 * forget to, and checks that the key's role covers the path (admin paths need an admin key). Failures raise {@link AccessException}, which the
 * exception handler answers like any other error.
 */
public class ApiKeyInterceptor implements HandlerInterceptor {

    private final ApiKeyService keys;
    private final Role required;

    public ApiKeyInterceptor(ApiKeyService keys, Role required) {
        this.keys = keys;
        this.required = required;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        Principal principal = keys.authenticate(bearer(request));
        if (!principal.has(required)) {
            throw AccessException.roleRequired(required);
        }
        request.setAttribute(Principal.REQUEST_ATTRIBUTE, principal);
        return true;
    }

    /**
     * The key from {@code Authorization: Bearer}. A header with any other scheme, or none, is refused
     * rather than read as a key: a key pasted without its scheme is a client that will fail against
     * every other OpenAI-compatible server, and is better told so here.
     */
    private static String bearer(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        if (header != null && !header.isBlank()) {
            header = header.strip();
            if (header.regionMatches(true, 0, "Bearer", 0, 6)
                    && (header.length() == 6 || Character.isWhitespace(header.charAt(6)))) {
                return header.substring(6).strip();
            }
            throw AccessException.malformedHeader();
        }
        // Azure-style clients send the key in api-key; accepting it costs nothing.
        return request.getHeader("api-key");
    }
}
