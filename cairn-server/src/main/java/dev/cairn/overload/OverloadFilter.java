package dev.cairn.overload;

import java.io.IOException;

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
 * Sheds load at the door: an API request ({@code /v1/...}) that the {@link OverloadGate} does not
 * let in is answered 503 {@code overloaded} with {@code Retry-After}, in the error shape of its path,
 * before its key is checked or its body read, so a refusal costs almost nothing and nothing about
 * it needs recording. Health, metrics and the admin API are never shed: an operator must see and
 * steer a Cairn that is overloaded. Pre-flights pass too (they do no work).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 2)
public class OverloadFilter extends OncePerRequestFilter {

    static final ApiError OVERLOADED = new ApiError(503, "server_error", "overloaded", null,
            "Cairn is at capacity and did not start this request; retry after the time in Retry-After");
    static final ApiError RECORDS_BEHIND = new ApiError(503, "server_error", "overloaded", null,
            "Cairn's records are behind the requests it answered and it did not start this one; "
            + "retry after the time in Retry-After");

    private final OverloadGate gate;
    private final String retryAfter;

    public OverloadFilter(OverloadGate gate, OverloadProperties config) {
        this.gate = gate;
        this.retryAfter = Long.toString(config.retryAfter().toSeconds());
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !gate.enabled() || !request.getRequestURI().startsWith("/v1/") || "OPTIONS".equals(request.getMethod());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        OverloadGate.Decision decision = gate.admit();
        if (decision.ticket() == null) {
            ApiError error = decision.refused() == OverloadGate.Reason.RECORD_BACKLOG ? RECORDS_BEHIND : OVERLOADED;
            response.setStatus(error.status());
            response.setHeader("Retry-After", retryAfter);
            response.setContentType("application/json");
            response.getOutputStream().write(ErrorBodies.bytes(error, ErrorBodies.Shape.forPath(request.getRequestURI())));
            return;
        }
        boolean finished = false;
        try {
            chain.doFilter(request, response);
            finished = true;
        } finally {
            if (finished) {
                decision.ticket().finished();
            } else {
                decision.ticket().ignored();
            }
        }
    }
}
