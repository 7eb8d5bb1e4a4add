package dev.cairn.gateway;

import dev.cairn.platform.JsonBodies;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Sits between a streaming provider and the client: takes the token counts out of the usage chunk
 * (Cairn always asks the upstream for one) and, when the client did not ask for usage, keeps that
 * chunk from the client. Chunks without usage pass through unparsed.
 */
final class StreamUsage implements ChunkSink {

    private final ChunkSink client;
    private final boolean clientWantsUsage;
    private Usage usage = Usage.NONE;

    StreamUsage(ChunkSink client, boolean clientWantsUsage) {
        this.client = client;
        this.clientWantsUsage = clientWantsUsage;
    }

    @Override
    public void send(String chunkJson) {
        // OpenAI sends "usage":null on every chunk once usage is requested: nothing to read there.
        if (!chunkJson.contains("\"usage\"") || chunkJson.contains("\"usage\":null")) {
            client.send(chunkJson);
            return;
        }
        JsonNode chunk;
        try {
            chunk = JsonBodies.JSON.readTree(chunkJson);
        } catch (JacksonException e) {
            client.send(chunkJson);
            return;
        }
        JsonNode counts = chunk.get("usage");
        if (counts == null || !counts.isObject()) {
            client.send(chunkJson);
            return;
        }
        usage = Usage.fromOpenAi(counts);
        if (clientWantsUsage) {
            client.send(chunkJson);
        } else if (chunk.path("choices").size() > 0 && chunk instanceof ObjectNode object) {
            // Some upstreams attach usage to the last content chunk: keep the content, drop the usage.
            object.remove("usage");
            client.send(object.toString());
        }
    }

    Usage usage() {
        return usage;
    }
}
