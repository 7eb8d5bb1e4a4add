package dev.cairn.gateway;

import java.io.IOException;

import jakarta.servlet.http.HttpServletResponse;

/** The edge's {@link Reply}: the servlet response, a stream of events written through {@link SseResponse}. */
final class ServletReply implements Reply {

    private final HttpServletResponse response;
    private SseResponse events;

    ServletReply(HttpServletResponse response) {
        this.response = response;
    }

    @Override
    public void header(String name, String value) {
        response.setHeader(name, value);
    }

    @Override
    public void json(byte[] body) throws IOException {
        response.setStatus(200);
        response.setContentType("application/json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    @Override
    public EventStream events() {
        if (events == null) {
            events = new SseResponse(response);
        }
        return events;
    }
}
