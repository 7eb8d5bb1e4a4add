package dev.cairn.gateway;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import dev.cairn.platform.JsonBodies;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.core.exc.JacksonIOException;
import tools.jackson.databind.ObjectWriter;

/**
 * The client side of a stream: each chunk is written as {@code data: ...} and flushed at once, so
 * it reaches the client as soon as the upstream produced it. The one place a chunk is serialised:
 * an upstream's chunk that no stage changed goes out as the upstream's text. A failed write means
 * the client left. A long stream gives its carrier thread up now and then ({@link CarrierShare}),
 * so that it cannot starve other requests of the CPU.
 */
final class SseResponse implements Reply.EventStream {

    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
    /** Straight into the response: the event is flushed once, whole, and the response stays open. */
    static final ObjectWriter WRITER = JsonBodies.JSON.writer()
            .without(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .without(StreamWriteFeature.FLUSH_PASSED_TO_STREAM);

    private final HttpServletResponse response;
    private final CarrierShare share = new CarrierShare();
    private OutputStream out;

    SseResponse(HttpServletResponse response) {
        this.response = response;
    }

    @Override
    public void send(ChatChunk chunk) {
        String text = chunk.text();
        try {
            OutputStream stream = open();
            stream.write(DATA);
            if (text == null) {
                // Compact JSON has no line breaks: one data line.
                WRITER.writeValue(stream, chunk.tree());
            } else {
                // Each line of a multi-line event needs its own "data: " prefix to stay one event.
                String data = text.indexOf('\n') < 0 ? text : text.replace("\n", "\ndata: ");
                stream.write(data.getBytes(StandardCharsets.UTF_8));
            }
            stream.write(END);
            stream.flush();
        } catch (IOException | JacksonIOException e) {
            throw new ClientGoneException(e);
        }
        share.checkpoint();
    }

    @Override
    public void done() {
        try {
            open().write(DONE);
            out.flush();
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
            out = start(response);
        }
        return out;
    }

    /** Starts a stream of server-sent events: status and headers, unbuffered by proxies; its body. */
    static OutputStream start(HttpServletResponse response) throws IOException {
        response.setStatus(200);
        response.setContentType("text/event-stream");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no");
        return response.getOutputStream();
    }
}
