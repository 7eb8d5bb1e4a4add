package dev.cairn.access;

import java.io.IOException;
import java.util.Locale;
import java.util.Set;

import dev.cairn.platform.ApiError;
import dev.cairn.platform.ErrorBodies;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Answers browsers' CORS pre-flights itself, before the key interceptor (a pre-flight carries no
 * key, and Spring hands it to the interceptors ahead of its own CORS handling, whose refusal then
 * escaped as a 500), and marks actual requests from an allowed origin as readable by that page.
 * Only the /v1 API is opened to browsers, and only to the origins in {@code cairn.cors.allowed-origins};
 * every other pre-flight gets a 403 in the path's error shape.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
public class CorsFilter extends OncePerRequestFilter {

    static final String METHODS = "GET, POST, DELETE, PATCH, PUT, OPTIONS";
    private static final Set<String> METHOD_SET = Set.of(METHODS.split(", "));
    /** How long a browser may reuse a pre-flight's answer; browsers cap it lower still (Chromium: 2 hours). */
    static final String MAX_AGE = "600";

    /** Headers the API reads, and those the official OpenAI and Anthropic SDKs send from a browser. */
    private static final Set<String> HEADERS = Set.of("authorization", "content-type", "x-api-key", "api-key", "traceparent");
    private static final String[] HEADER_PREFIXES = {"cairn-", "anthropic-", "openai-", "x-stainless-"};

    private final AccessProperties.Cors cors;

    public CorsFilter(AccessProperties access) {
        this.cors = access.cors();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String origin = request.getHeader("Origin");
        if (origin == null) {
            chain.doFilter(request, response);
            return;
        }
        boolean api = isApi(request.getRequestURI());
        boolean allowed = api && cors.allows(origin);
        if (!isPreFlight(request)) {
            if (allowed) {
                response.setHeader("Access-Control-Allow-Origin", origin);
                response.setHeader("Access-Control-Expose-Headers", "*");
            }
            // The answer depends on Origin for every request, so shared caches must key on it.
            response.addHeader("Vary", "Origin");
            chain.doFilter(request, response);
            return;
        }
        response.addHeader("Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
        if (!allowed) {
            refuse(request, response, "cors_origin_not_allowed", api
                    ? "Origin " + printable(origin) + " may not call this API from a browser (cairn.cors.allowed-origins)"
                    : "Only the /v1 API may be called from a browser");
            return;
        }
        String method = request.getHeader("Access-Control-Request-Method").strip().toUpperCase(Locale.ROOT);
        if (!METHOD_SET.contains(method)) {
            refuse(request, response, "cors_method_not_allowed", "Method " + printable(method) + " is not allowed from a browser");
            return;
        }
        String requested = request.getHeader("Access-Control-Request-Headers");
        if (requested != null) {
            for (String header : requested.split(",")) {
                String name = header.strip().toLowerCase(Locale.ROOT);
                if (!name.isEmpty() && !allowedHeader(name)) {
                    refuse(request, response, "cors_header_not_allowed", "Header " + printable(name) + " is not allowed from a browser");
                    return;
                }
            }
        }
        response.setHeader("Access-Control-Allow-Origin", origin);
        response.setHeader("Access-Control-Allow-Methods", METHODS);
        if (requested != null && !requested.isBlank()) {
            response.setHeader("Access-Control-Allow-Headers", requested.strip());
        }
        response.setHeader("Access-Control-Max-Age", MAX_AGE);
        response.setStatus(HttpServletResponse.SC_NO_CONTENT);
    }

    /** A pre-flight, as the Fetch standard defines it: OPTIONS with Origin and Access-Control-Request-Method. */
    private static boolean isPreFlight(HttpServletRequest request) {
        return "OPTIONS".equals(request.getMethod()) && request.getHeader("Access-Control-Request-Method") != null;
    }

    private static boolean isApi(String path) {
        return path != null && (path.equals("/v1") || path.startsWith("/v1/"));
    }

    private static boolean allowedHeader(String name) {
        if (HEADERS.contains(name)) {
            return true;
        }
        for (String prefix : HEADER_PREFIXES) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private static void refuse(HttpServletRequest request, HttpServletResponse response, String code, String message)
            throws IOException {
        ApiError error = new ApiError(403, "permission_error", code, null, message);
        response.setStatus(403);
        response.setContentType("application/json");
        response.getOutputStream().write(ErrorBodies.bytes(error, ErrorBodies.Shape.forPath(request.getRequestURI())));
    }

    /** A header value echoed in a message, cut short and without control characters. */
    private static String printable(String value) {
        String shown = value.length() > 100 ? value.substring(0, 100) + "…" : value;
        return "'" + shown.replaceAll("\\p{Cc}|\\p{Cf}", "?") + "'";
    }
}
