package dev.cairn.platform;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * First thing every request meets: fixes its trace id (from {@code traceparent} or new), returns
 * it as {@code Cairn-Trace-Id}, puts it in the logging context, and writes the access log line.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class TraceFilter extends OncePerRequestFilter {

    public static final String TRACE_HEADER = "Cairn-Trace-Id";
    private static final Logger access = LoggerFactory.getLogger("cairn.access");

    private final boolean accessLog;

    public TraceFilter(PlatformProperties platform) {
        this.accessLog = platform.logging().accessLog();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long start = System.nanoTime();
        TraceContext trace = TraceContext.from(request.getHeader("traceparent"));
        request.setAttribute(TraceContext.REQUEST_ATTRIBUTE, trace);
        response.setHeader(TRACE_HEADER, trace.traceId());
        MDC.put("trace_id", trace.traceId());
        try {
            chain.doFilter(request, response);
        } finally {
            if (accessLog && access.isInfoEnabled()) {
                access.atInfo()
                        .addKeyValue("method", request.getMethod())
                        .addKeyValue("path", request.getRequestURI())
                        .addKeyValue("status", response.getStatus())
                        .addKeyValue("duration_ms", (System.nanoTime() - start) / 1_000_000.0)
                        .log("request");
            }
            MDC.remove("trace_id");
        }
    }
}
