package dev.cairn.platform;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

import jakarta.servlet.http.HttpServletRequest;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads request bodies: at most the configured size, strict JSON, UTF-8 only. Every way a body can be
 * wrong becomes a 4xx {@link RequestException} naming what is wrong.
 */
public final class JsonBodies {

    /** Shared mapper: JSON that Cairn reads and writes itself (not the pass-through bytes). */
    public static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private JsonBodies() {
    }

    /** Reads the whole body, refusing with 413 as soon as it passes {@code maxBytes}. */
    public static byte[] read(HttpServletRequest request, long maxBytes) throws IOException {
        long declared = request.getContentLengthLong();
        if (declared > maxBytes) {
            throw tooLarge(maxBytes);
        }
        int limit = (int) Math.min(maxBytes, Integer.MAX_VALUE - 8);
        // Trust the declared length only up to 64 KB before bytes arrive; grow as they do.
        byte[] buffer = new byte[declared > 0 ? (int) Math.min(declared, 64 * 1024) : 8192];
        int length = 0;
        try (InputStream in = request.getInputStream()) {
            while (true) {
                if (length == buffer.length) {
                    // Full: one byte tells whether there is more, so an exact fit is never copied.
                    int next = in.read();
                    if (next < 0) {
                        return buffer;
                    }
                    if (length >= limit) {
                        throw tooLarge(maxBytes);
                    }
                    buffer = Arrays.copyOf(buffer, (int) Math.min(buffer.length * 2L, limit));
                    buffer[length++] = (byte) next;
                }
                int n = in.read(buffer, length, buffer.length - length);
                if (n < 0) {
                    return Arrays.copyOf(buffer, length);
                }
                length += n;
                if (length > limit) {
                    throw tooLarge(maxBytes);
                }
            }
        }
    }

    public static ObjectNode parseObject(byte[] body) {
        if (body.length == 0) {
            throw RequestException.invalid("invalid_json", null, "The request body is empty; a JSON object is expected");
        }
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (JacksonException e) {
            String reason = withoutLocation(e.getOriginalMessage());
            String message = reason != null && reason.contains("Invalid UTF-8")
                    ? "The request body is not valid UTF-8: " + reason
                    : "The request body is not valid JSON: " + reason;
            throw RequestException.invalid("invalid_json", null, message);
        }
        if (!(node instanceof ObjectNode object)) {
            throw RequestException.invalid("invalid_json", null, "The request body must be a JSON object");
        }
        RecordableJson.check(object);
        return object;
    }

    /**
     * Jackson appends where it was in its (redacted) source and names its own classes and settings
     * (`DeserializationFeature.FAIL_ON_TRAILING_TOKENS`); the client needs only the reason.
     */
    private static String withoutLocation(String message) {
        if (message == null) {
            return "malformed input";
        }
        int location = message.indexOf(" (start marker at [Source:");
        String reason = location >= 0 ? message.substring(0, location) : message;
        return reason.replaceAll(" \\(bound as `[^`]*`\\)", "")
                .replaceAll(": (not allowed as per|enable) `[^`]*`( to allow)?", "")
                .replaceAll(", from `[^`]*`\\)", ")")
                .replaceAll("`JsonToken\\.([A-Z_]+)`", "$1")
                .replaceAll("`[^`]*\\.[^`]*`", "a parser setting");
    }

    private static RequestException tooLarge(long maxBytes) {
        return new RequestException(new ApiError(413, "invalid_request_error", "request_too_large", null,
                "The request body is larger than the limit of " + maxBytes + " bytes (cairn.gateway.max-body-size)"));
    }
}
