package dev.cairn.gateway;

/**
 * Where one request goes: the model name as the client sent it, the provider, and the model name
 * the provider knows.
 */
public record Route(String requestedModel, ProviderClient provider, String upstreamModel) {

    /** The canonical {@code <provider>/<model>} name, used for pricing and usage grouping. */
    public String qualifiedModel() {
        return provider.name() + "/" + upstreamModel;
    }
}
