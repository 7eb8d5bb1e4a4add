package dev.cairn.access;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Authenticates every request to a protected path before any handler runs, so no endpoint can
 * forget to, and checks that the key's role covers the path (admin paths need an admin key). The
 * key may come as {@code Authorization: Bearer}, {@code x-api-key} (as Anthropic's SDKs send it) or
 * {@code api-key}; headers naming two different keys are refused. Failures raise
 * {@link AccessException}, which the exception handler answers like any other error.
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
        Principal principal = keys.authenticate(key(request));
        if (!principal.has(required)) {
            throw AccessException.roleRequired(required);
        }
        request.setAttribute(Principal.REQUEST_ATTRIBUTE, principal);
        return true;
    }

    /**
     * The key, from whichever header the client's SDK puts it in: {@code Authorization: Bearer}
     * (OpenAI's), {@code x-api-key} (Anthropic's) or {@code api-key} (Azure's); null when none has
     * one. Headers that name different keys are refused rather than one of them chosen: which
     * key a request is charged to must not depend on an order of precedence the client may not know.
     */
    private static String key(HttpServletRequest request) {
        String found = null;
        for (String key : new String[] {bearer(request), plain(request, "x-api-key"), plain(request, "api-key")}) {
            if (key == null) {
                continue;
            }
            if (found != null && !found.equals(key)) {
                throw AccessException.conflictingKeys();
            }
            found = key;
        }
        return found;
    }

    /**
     * The key from {@code Authorization: Bearer}. A header with any other scheme is refused rather
     * than read as a key: a key pasted without its scheme is a client that will fail against every
     * other OpenAI-compatible server, and is better told so here.
     */
    private static String bearer(HttpServletRequest request) {
        String header = single(request, "Authorization");
        if (header == null || header.isBlank()) {
            return null;
        }
        header = header.strip();
        if (header.regionMatches(true, 0, "Bearer", 0, 6)
                && (header.length() == 6 || Character.isWhitespace(header.charAt(6)))) {
            String key = header.substring(6).strip();
            return key.isEmpty() ? null : key;
        }
        throw AccessException.malformedHeader();
    }

    /** A header that holds the key alone; null when it is absent or blank. */
    private static String plain(HttpServletRequest request, String name) {
        String header = single(request, name);
        return header == null || header.isBlank() ? null : header.strip();
    }

    /** A header given once; given again with another value it is refused, as two key headers are. */
    private static String single(HttpServletRequest request, String name) {
        java.util.Enumeration<String> values = request.getHeaders(name);
        String first = values.hasMoreElements() ? values.nextElement() : null;
        while (values.hasMoreElements()) {
            if (!values.nextElement().equals(first)) {
                throw AccessException.conflictingKeys();
            }
        }
        return first;
    }
}
