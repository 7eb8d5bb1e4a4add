package dev.cairn.gateway.anthropic;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.cairn.gateway.ChunkSink;
import dev.cairn.gateway.GatewayException;
import dev.cairn.gateway.GatewayProperties;
import dev.cairn.gateway.ProviderClient;
import dev.cairn.gateway.ProviderResult;
import dev.cairn.gateway.UpstreamCall;
import dev.cairn.gateway.UpstreamHttp;
import dev.cairn.platform.ApiError;
import dev.cairn.platform.JsonBodies;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An Anthropic Messages API upstream ({@code base-url} ends in {@code /v1}). Requests and answers
 * are translated to and from the OpenAI shape, so clients see the same API as for any provider.
 */
public final class AnthropicProvider implements ProviderClient, AutoCloseable {

    static final String API_VERSION = "2023-06-01";

    private final String name;
    private final List<String> models;
    private final int defaultMaxTokens;
    private final UpstreamHttp http;

    public AnthropicProvider(String name, GatewayProperties.Provider config, int defaultMaxTokens) {
        this.name = name;
        this.models = config.models();
        this.defaultMaxTokens = defaultMaxTokens;
        Map<String, String> auth = new LinkedHashMap<>();
        if (config.apiKey() != null && !config.apiKey().isBlank()) {
            auth.put("x-api-key", config.apiKey());
        }
        auth.put("anthropic-version", API_VERSION);
        this.http = new UpstreamHttp(name, config, auth);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<String> advertisedModels() {
        return models;
    }

    /** The Messages API makes one answer per request. */
    @Override
    public boolean choosesMany() {
        return false;
    }

    @Override
    public ProviderResult chat(ObjectNode request, UpstreamCall call) {
        ObjectNode messages = AnthropicRequest.translate(request, defaultMaxTokens);
        messages.remove("stream");
        byte[] body = http.post("/messages", JsonBodies.JSON.writeValueAsBytes(messages), call);
        JsonNode answer = http.answerObject(body);
        ObjectNode completion = AnthropicResponse.toChatCompletion(answer, request.path("model").asString(""));
        return new ProviderResult(JsonBodies.JSON.writeValueAsBytes(completion),
                AnthropicResponse.usage(answer.get("usage")), completion);
    }

    @Override
    public void streamChat(ObjectNode request, UpstreamCall call, ChunkSink sink) {
        ObjectNode messages = AnthropicRequest.translate(request, defaultMaxTokens);
        messages.put("stream", true);
        AnthropicStream stream = new AnthropicStream(name, request.path("model").asString(""), sink);
        http.postStreaming("/messages", JsonBodies.JSON.writeValueAsBytes(messages), call, stream);
        if (!stream.finished()) {
            throw GatewayException.upstreamFailed(name, "stream ended before message_stop");
        }
    }

    @Override
    public ProviderResult embeddings(ObjectNode request, UpstreamCall call) {
        throw new GatewayException(ApiError.invalidRequest("unsupported_operation", "model",
                "Provider '" + name + "' does not offer embeddings: Anthropic has no embeddings API"));
    }

    @Override
    public void close() throws IOException {
        http.close();
    }
}
