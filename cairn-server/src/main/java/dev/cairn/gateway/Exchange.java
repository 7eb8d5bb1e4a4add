package dev.cairn.gateway;

import dev.cairn.access.Principal;
import dev.cairn.platform.ApiError;
import dev.cairn.platform.TraceContext;

/**
 * What happened to one gateway request, filled in step by step as the pipeline runs and recorded
 * once at the end. Confined to the request's thread.
 */
final class Exchange {

    final String route;
    final Principal principal;
    final TraceContext trace;
    final long startNanos = System.nanoTime();
    Route target;
    boolean stream;
    Usage usage = Usage.NONE;
    int status = 200;
    String errorCode;
    long upstreamNanos;

    Exchange(String route, Principal principal, TraceContext trace) {
        this.route = route;
        this.principal = principal;
        this.trace = trace;
    }

    void failed(ApiError error) {
        status = error.status();
        errorCode = error.code();
    }
}
