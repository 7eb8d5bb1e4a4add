package dev.cairn.platform;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Renders {@link ApiError}s in the OpenAI error shape, for HTTP bodies and stream events alike. */
public final class ErrorBodies {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ErrorBodies() {
    }

    public static ObjectNode tree(ApiError error) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode body = root.putObject("error");
        body.put("message", error.message());
        body.put("type", error.type());
        body.put("code", error.code());
        body.put("param", error.param());
        return root;
    }

    public static byte[] bytes(ApiError error) {
        return JSON.writeValueAsBytes(tree(error));
    }

    /** Writes the error as the whole response, unless the response has already begun. */
    public static void write(HttpServletResponse response, ApiError error) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        response.setStatus(error.status());
        response.setContentType("application/json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        byte[] body = bytes(error);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
