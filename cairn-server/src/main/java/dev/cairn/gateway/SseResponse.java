package dev.cairn.gateway;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletResponse;

/**
 * The client side of a stream: each chunk is written as {@code data: ...} and flushed at once, so
 * it reaches the client as soon as the upstream produced it. A failed write means the client left.
 */
final class SseResponse implements Reply.EventStream {

    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    private final HttpServletResponse response;
    private OutputStream out;

    SseResponse(HttpServletResponse response) {
        this.response = response;
    }

    @Override
    public void send(String chunkJson) {
        // Each line of a multi-line event needs its own "data: " prefix to stay one event.
        String data = chunkJson.indexOf('\n') < 0 ? chunkJson : chunkJson.replace("\n", "\ndata: ");
        write(data.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void done() {
        writeRaw(DONE);
    }

    private void write(byte[] json) {
        try {
            OutputStream stream = open();
            stream.write(DATA);
            stream.write(json);
            stream.write(END);
            stream.flush();
        } catch (IOException e) {
            throw new ClientGoneException(e);
        }
    }

    private void writeRaw(byte[] bytes) {
        try {
            OutputStream stream = open();
            stream.write(bytes);
            stream.flush();
        } catch (IOException e) {
            throw new ClientGoneException(e);
        }
    }

    @Override
    public boolean started() {
        return out != null;
    }

    private OutputStream open() throws IOException {
        if (out == null) {
            response.setStatus(200);
            response.setContentType("text/event-stream");
            response.setCharacterEncoding("UTF-8");
            response.setHeader("Cache-Control", "no-cache");
            response.setHeader("X-Accel-Buffering", "no");
            out = response.getOutputStream();
        }
        return out;
    }
}
