package dev.cairn.gateway;

import java.util.List;

import tools.jackson.databind.node.ObjectNode;

/**
 * One upstream provider. Requests arrive in OpenAI shape with {@code model} already set to the
 * upstream's own model name; answers leave in OpenAI shape, whatever the provider speaks.
 */
public interface ProviderClient {

    /** The name operators gave it; the first part of {@code <provider>/<model>}. */
    String name();

    /** Models to list in /v1/models (any other name still routes here). */
    List<String> advertisedModels();

    ProviderResult chat(ObjectNode request, UpstreamCall call);

    /**
     * Whether one call can ask for several choices ({@code n}). Best-of-n asks those that can once,
     * and the others once per candidate.
     */
    default boolean choosesMany() {
        return true;
    }

    /** Streams the answer chunk by chunk into {@code sink}, each as soon as the upstream sends it. */
    void streamChat(ObjectNode request, UpstreamCall call, ChunkSink sink);

    ProviderResult embeddings(ObjectNode request, UpstreamCall call);
}
