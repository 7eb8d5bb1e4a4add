package dev.cairn.gateway;

import tools.jackson.databind.node.ObjectNode;

/**
 * Sits between a streaming provider and the client: takes the token counts out of the usage chunk
 * (Cairn always asks the upstream for one) and, when the client did not ask for usage, keeps that
 * chunk from the client. Chunks without usage pass through untouched.
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
    public void send(ChatChunk chunk) {
        ObjectNode counts = chunk.usage();
        if (counts == null) {
            client.send(chunk);
            return;
        }
        usage = Usage.fromOpenAi(counts);
        if (clientWantsUsage) {
            client.send(chunk);
            return;
        }
        if (chunk.tree().path("choices").size() > 0) {
            // Some upstreams attach usage to the last content chunk: keep the content, drop the usage.
            chunk.tree().remove("usage");
            client.send(chunk.changed());
        }
    }

    Usage usage() {
        return usage;
    }
}
