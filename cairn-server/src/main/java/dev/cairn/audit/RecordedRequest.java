package dev.cairn.audit;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A gateway request put back together from its audit entry: the parameters shown in
 * {@code data.request}, overlaid with the fields sealed in full under the opened content's
 * {@code request} (tools with their definitions, metadata, …) and its content fields
 * ({@code messages}, {@code input}, {@code user}, {@code prompt}). An entry written before fields
 * were sealed unless known safe has them all in {@code data.request}, and reads the same.
 */
public final class RecordedRequest {

    private static final String[] CONTENT_FIELDS = {"messages", "input", "user", "prompt"};

    private RecordedRequest() {
    }

    /**
     * The request as the client sent it; only the parameters when {@code content} is null (not
     * opened, or erased).
     */
    public static ObjectNode of(JsonNode data, JsonNode content) {
        ObjectNode request = JsonNodeFactory.instance.objectNode();
        if (data != null && data.get("request") instanceof ObjectNode shown) {
            request.setAll(shown.deepCopy());
        }
        if (content != null && content.isObject()) {
            if (content.get("request") instanceof ObjectNode sealed) {
                request.setAll(sealed.deepCopy());
            }
            for (String field : CONTENT_FIELDS) {
                if (content.has(field)) {
                    request.set(field, content.get(field));
                }
            }
        }
        return request;
    }
}
