package dev.cairn.gateway;

/** A finished non-streaming call: the OpenAI-shaped JSON body for the client, and its token counts. */
public record ProviderResult(byte[] body, Usage usage) {
}
