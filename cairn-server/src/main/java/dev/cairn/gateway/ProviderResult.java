package dev.cairn.gateway;

import tools.jackson.databind.JsonNode;

/**
 * A finished non-streaming call: the OpenAI-shaped JSON body for the client, its token counts, and
 * the body already parsed when the provider had to parse or build it anyway (null otherwise), so
 * that the guard, the audit entry and memory do not parse the answer again.
 */
public record ProviderResult(byte[] body, Usage usage, JsonNode tree) {

    /** A result whose body nobody has parsed. */
    public ProviderResult(byte[] body, Usage usage) {
        this(body, usage, null);
    }
}
