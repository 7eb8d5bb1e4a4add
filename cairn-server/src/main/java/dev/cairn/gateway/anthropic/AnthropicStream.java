package dev.cairn.gateway.anthropic;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

import dev.cairn.gateway.ChatChunk;
import dev.cairn.gateway.ChunkSink;
import dev.cairn.gateway.GatewayException;
import dev.cairn.gateway.UpstreamHttp.SseEvent;
import dev.cairn.gateway.Usage;
import dev.cairn.platform.JsonBodies;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Translates one Anthropic Messages event stream into OpenAI chat-completion chunks, each sent the
 * moment its event arrives. Ends with a usage chunk ({@code "choices":[]}), which the pipeline
 * needs for the ledger whether or not the client asked for it.
 */
final class AnthropicStream implements Consumer<SseEvent> {

    private final String provider;
    private final ChunkSink sink;
    private final long created = System.currentTimeMillis() / 1000;
    /** Content-block index → position among tool calls, which is what OpenAI's index counts. */
    private final Map<Integer, Integer> toolIndexes = new HashMap<>();
    private String id = "";
    private String model;
    private long promptTokens;
    private long completionTokens;
    private boolean finished;

    AnthropicStream(String provider, String requestedModel, ChunkSink sink) {
        this.provider = provider;
        this.model = requestedModel;
        this.sink = sink;
    }

    @Override
    public void accept(SseEvent event) {
        JsonNode data;
        try {
            data = JsonBodies.JSON.readTree(event.data());
        } catch (JacksonException e) {
            throw GatewayException.upstreamFailed(provider, "stream event is not valid JSON");
        }
        String type = event.event() != null ? event.event() : data.path("type").asString("");
        switch (type) {
            case "message_start" -> start(data.path("message"));
            case "content_block_start" -> blockStart(data.path("index").asInt(), data.path("content_block"));
            case "content_block_delta" -> blockDelta(data.path("index").asInt(), data.path("delta"));
            case "message_delta" -> messageDelta(data);
            case "message_stop" -> stop();
            case "error" -> throw GatewayException.upstreamFailed(provider,
                    data.path("error").path("type").asString("error") + ": "
                            + data.path("error").path("message").asString("stream failed"));
            default -> {
                // ping, content_block_stop, and event types Anthropic adds later carry nothing to pass on.
            }
        }
    }

    /** Whether message_stop arrived: a stream that ends without it was cut off. */
    boolean finished() {
        return finished;
    }

    private void start(JsonNode message) {
        id = message.path("id").asString(id);
        model = message.path("model").asString(model);
        JsonNode usage = message.path("usage");
        promptTokens = AnthropicResponse.promptTokens(usage);
        completionTokens = usage.path("output_tokens").asLong(0);
        ObjectNode chunk = chunk();
        delta(chunk).put("role", "assistant").put("content", "");
        sink.send(ChatChunk.of(chunk));
    }

    private void blockStart(int blockIndex, JsonNode block) {
        String type = block.path("type").asString("");
        if ("tool_use".equals(type)) {
            int toolIndex = toolIndexes.size();
            toolIndexes.put(blockIndex, toolIndex);
            ObjectNode chunk = chunk();
            ObjectNode call = delta(chunk).putArray("tool_calls").addObject();
            call.put("index", toolIndex);
            call.put("id", block.path("id").asString(""));
            call.put("type", "function");
            call.putObject("function").put("name", block.path("name").asString("")).put("arguments", "");
            sink.send(ChatChunk.of(chunk));
        } else if ("text".equals(type)) {
            sendText(block.path("text").asString(""));
        }
    }

    private void blockDelta(int blockIndex, JsonNode delta) {
        switch (delta.path("type").asString("")) {
            case "text_delta" -> sendText(delta.path("text").asString(""));
            case "input_json_delta" -> {
                String partial = delta.path("partial_json").asString("");
                Integer toolIndex = toolIndexes.get(blockIndex);
                if (toolIndex == null || partial.isEmpty()) {
                    return;
                }
                ObjectNode chunk = chunk();
                ObjectNode call = delta(chunk).putArray("tool_calls").addObject();
                call.put("index", toolIndex);
                call.putObject("function").put("arguments", partial);
                sink.send(ChatChunk.of(chunk));
            }
            default -> {
                // Thinking and signature deltas have no place in an OpenAI chat chunk.
            }
        }
    }

    private void messageDelta(JsonNode data) {
        JsonNode usage = data.path("usage");
        // Counts in message_delta are cumulative; input counts appear there only in newer API versions.
        if (usage.has("output_tokens")) {
            completionTokens = usage.path("output_tokens").asLong(completionTokens);
        }
        if (usage.has("input_tokens")) {
            promptTokens = AnthropicResponse.promptTokens(usage);
        }
        String finishReason = AnthropicResponse.finishReason(data.path("delta").get("stop_reason"));
        if (finishReason != null) {
            ObjectNode chunk = chunk();
            chunk.withArray("choices").get(0).asObject().put("finish_reason", finishReason);
            sink.send(ChatChunk.of(chunk));
        }
    }

    private void stop() {
        finished = true;
        ObjectNode chunk = shell();
        chunk.putArray("choices");
        new Usage(promptTokens, completionTokens).putInto(chunk);
        sink.send(ChatChunk.of(chunk));
    }

    private void sendText(String text) {
        if (text.isEmpty()) {
            return;
        }
        ObjectNode chunk = chunk();
        delta(chunk).put("content", text);
        sink.send(ChatChunk.of(chunk));
    }

    private ObjectNode shell() {
        ObjectNode chunk = JsonBodies.JSON.createObjectNode();
        chunk.put("id", id);
        chunk.put("object", "chat.completion.chunk");
        chunk.put("created", created);
        chunk.put("model", model);
        return chunk;
    }

    private ObjectNode chunk() {
        ObjectNode chunk = shell();
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("delta");
        choice.putNull("logprobs");
        choice.putNull("finish_reason");
        return chunk;
    }

    private static ObjectNode delta(ObjectNode chunk) {
        return chunk.withArray("choices").get(0).get("delta").asObject();
    }
}
