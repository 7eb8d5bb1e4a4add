package dev.cairn.gateway;

/**
 * Where a streaming provider puts each chat completion chunk, as soon as it has it. Throws
 * {@link ClientGoneException} when the client has gone, which tells the provider to cancel its
 * upstream call.
 */
@FunctionalInterface
public interface ChunkSink {

    void send(ChatChunk chunk);
}
