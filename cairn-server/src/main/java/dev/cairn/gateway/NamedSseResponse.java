package dev.cairn.gateway;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import dev.cairn.gateway.messages.EventWriter;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.core.exc.JacksonIOException;
import tools.jackson.databind.node.ObjectNode;

/**
 * The client side of a stream of named events, as Anthropic's Messages API and OpenAI's Responses API send them:
 * {@code event: <type>} and one {@code data:} line of compact JSON, flushed at once. Like
 * {@link SseResponse}, a failed write means the client left, and a long stream shares its carrier
 * thread ({@link CarrierShare}).
 */
final class NamedSseResponse implements EventWriter {

    private static final byte[] EVENT = "event: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "\ndata: ".getBytes(StandardCharsets.US_ASCII);

    private final HttpServletResponse response;
    private final CarrierShare share = new CarrierShare();
    private OutputStream out;

    NamedSseResponse(HttpServletResponse response) {
        this.response = response;
    }

    @Override
    public void send(String type, ObjectNode data) {
        try {
            OutputStream stream = open();
            stream.write(EVENT);
            stream.write(type.getBytes(StandardCharsets.US_ASCII));
            stream.write(DATA);
            // Compact JSON has no line breaks: one data line.
            SseResponse.WRITER.writeValue(stream, data);
            stream.write(SseResponse.END);
            stream.flush();
        } catch (IOException | JacksonIOException e) {
            throw new ClientGoneException(e);
        }
        share.checkpoint();
    }

    @Override
    public boolean started() {
        return out != null;
    }

    private OutputStream open() throws IOException {
        if (out == null) {
            out = SseResponse.start(response);
        }
        return out;
    }
}
