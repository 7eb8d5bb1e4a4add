package dev.cairn.platform;

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
}
