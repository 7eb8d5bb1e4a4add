package dev.cairn.gateway;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link Reply} that keeps the answer in memory, for a call Cairn makes on its own account (fact
 * extraction, the second model of a comparison): the headers the pipeline set, the whole JSON
 * answer, and the request id as soon as the pipeline names it (its first step). Never streams.
 */
final class KeptReply implements Reply {

    private final Map<String, String> headers = new ConcurrentHashMap<>();
    private final CompletableFuture<String> requestId = new CompletableFuture<>();
    private volatile byte[] body;

    @Override
    public void header(String name, String value) {
        headers.put(name, value);
        if (name.equals(GatewayPipeline.REQUEST_ID_HEADER)) {
            requestId.complete(value);
        }
    }

    @Override
    public void json(byte[] answer) {
        body = answer;
    }

    @Override
    public EventStream events() {
        throw new IllegalStateException("A kept answer does not stream");
    }

    /** Completes with the request's id when the pipeline starts it. */
    CompletableFuture<String> requestId() {
        return requestId;
    }

    Map<String, String> headers() {
        return headers;
    }

    /** The whole answer; null until it was given, and for a call that failed. */
    byte[] body() {
        return body;
    }
}
