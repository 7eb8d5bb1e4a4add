package dev.cairn.gateway.openai;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import dev.cairn.gateway.ChatChunk;
import dev.cairn.gateway.ChunkSink;
import dev.cairn.gateway.GatewayException;
import dev.cairn.gateway.GatewayProperties;
import dev.cairn.gateway.ProviderClient;
import dev.cairn.gateway.ProviderResult;
import dev.cairn.gateway.UpstreamCall;
import dev.cairn.gateway.UpstreamHttp;
import dev.cairn.gateway.Usage;
import dev.cairn.gateway.responses.ResponsesUpstream;
import dev.cairn.platform.JsonBodies;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Any OpenAI-compatible upstream (OpenAI, OpenRouter, vLLM, Ollama, LM Studio …). Requests and
 * answers pass through byte for byte apart from the model name, so fields Cairn does not know
 * reach both ends untouched.
 */
public final class OpenAiProvider implements ProviderClient, AutoCloseable {

    private final String name;
    private final List<String> models;
    private final UpstreamHttp http;
    /** Called through the Responses API ({@code api: responses}): the body and answer are translated. */
    private final boolean responsesApi;

    public OpenAiProvider(String name, GatewayProperties.Provider config) {
        this.name = name;
        this.responsesApi = config.responsesApi();
        this.models = config.models();
        this.http = new UpstreamHttp(name, config, config.apiKey() == null || config.apiKey().isBlank()
                ? Map.of() : Map.of("Authorization", "Bearer " + config.apiKey()));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<String> advertisedModels() {
        return models;
    }

    @Override
    public ProviderResult chat(ObjectNode request, UpstreamCall call) {
        if (responsesApi) {
            JsonNode response = http.answerObject(http.post("/responses",
                    JsonBodies.JSON.writeValueAsBytes(ResponsesUpstream.request(request)), call));
            ObjectNode answer = ResponsesUpstream.answer(response);
            return new ProviderResult(JsonBodies.JSON.writeValueAsBytes(answer), Usage.fromOpenAi(answer.get("usage")), answer);
        }
        byte[] body = http.post("/chat/completions", JsonBodies.JSON.writeValueAsBytes(request), call);
        // Parsed whole, once: the output guard, the audit entry and memory read the answer too.
        JsonNode answer = http.answerObject(body);
        return new ProviderResult(body, Usage.fromOpenAi(answer.get("usage")), answer);
    }

    @Override
    public void streamChat(ObjectNode request, UpstreamCall call, ChunkSink sink) {
        if (responsesApi) {
            streamResponses(request, call, sink);
            return;
        }
        boolean[] done = {false};
        http.postStreaming("/chat/completions", JsonBodies.JSON.writeValueAsBytes(request), call, event -> {
            if ("[DONE]".equals(event.data())) {
                done[0] = true;
            } else {
                sink.send(ChatChunk.parse(event.data()));
            }
        });
        if (!done[0]) {
            // A connection that ends without [DONE] cut the answer short; the client must not take it as whole.
            throw GatewayException.upstreamFailed(name, "stream ended before [DONE]");
        }
    }

    /** A Responses API stream, its events translated into chat chunks; it is whole once the response completed. */
    private void streamResponses(ObjectNode request, UpstreamCall call, ChunkSink sink) {
        ResponsesUpstream.Chunks chunks = new ResponsesUpstream.Chunks(sink::send, message -> {
            throw GatewayException.upstreamFailed(name, message);
        });
        http.postStreaming("/responses", JsonBodies.JSON.writeValueAsBytes(ResponsesUpstream.request(request)), call, event -> {
            JsonNode tree;
            try {
                tree = JsonBodies.JSON.readTree(event.data());
            } catch (JacksonException e) {
                throw GatewayException.upstreamFailed(name, "a stream event is not valid JSON");
            }
            chunks.event(tree);
        });
        if (!chunks.completed()) {
            throw GatewayException.upstreamFailed(name, "stream ended before response.completed");
        }
    }

    /** The Responses API has no {@code n}: each candidate is its own call. */
    @Override
    public boolean choosesMany() {
        return !responsesApi;
    }

    @Override
    public ProviderResult embeddings(ObjectNode request, UpstreamCall call) {
        byte[] body = http.post("/embeddings", JsonBodies.JSON.writeValueAsBytes(request), call);
        return new ProviderResult(body, usageOf(body));
    }

    /**
     * Reads only the top-level {@code usage} object, skipping everything else unparsed: an
     * embeddings answer goes to the client as the upstream sent it, and nothing reads its vectors.
     */
    private Usage usageOf(byte[] body) {
        try (JsonParser parser = JsonBodies.JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw GatewayException.upstreamFailed(name, "answer is not a JSON object");
            }
            Usage usage = Usage.NONE;
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String field = parser.currentName();
                parser.nextToken();
                if ("usage".equals(field)) {
                    usage = Usage.fromOpenAi(parser.readValueAsTree());
                } else {
                    parser.skipChildren();
                }
            }
            return usage;
        } catch (JacksonException e) {
            throw GatewayException.upstreamFailed(name, "answer is not valid JSON");
        }
    }

    @Override
    public void close() throws IOException {
        http.close();
    }
}
