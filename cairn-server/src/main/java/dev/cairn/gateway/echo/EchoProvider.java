package dev.cairn.gateway.echo;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;

import dev.cairn.gateway.ChatChunk;
import dev.cairn.gateway.ChatMessage;
import dev.cairn.gateway.ChunkSink;
import dev.cairn.gateway.ProviderClient;
import dev.cairn.gateway.ProviderResult;
import dev.cairn.gateway.UpstreamCall;
import dev.cairn.gateway.Usage;
import dev.cairn.platform.Ids;
import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.RequestException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The built-in {@code cairn/echo} model: offline and deterministic, for demos and tests. It answers
 * with the last user message, counts one token per word, honours {@code n} and {@code max_tokens},
 * repeats at most {@link #MAX_ANSWER_WORDS} words per choice and {@link #MAX_TOTAL_WORDS} in all
 * whatever the request asks (finishing with {@code length} when it stops short), and makes
 * embeddings from a hash of the text. It is not a language model. Only what it says is
 * deterministic: each answer has its own id, as every OpenAI answer does, since clients and logs
 * use the id to tell answers apart.
 */
public final class EchoProvider implements ProviderClient {

    public static final String NAME = "cairn";
    public static final String MODEL = "echo";
    public static final String DESCRIPTION =
            "Built-in offline echo model for demos and tests: repeats the last user message; not a language model";
    private static final int DEFAULT_DIMENSIONS = 384;
    /**
     * The most words one choice repeats, {@code max_tokens} or not: echo writes as fast as the CPU
     * goes, unlike any real model, so a long prompt times {@code n} would otherwise be a stream of
     * hundreds of megabytes made in one tight loop. As long as the longest answer a real model writes.
     */
    public static final int MAX_ANSWER_WORDS = 4096;
    /**
     * The most words all choices together repeat: each is a chunk of its own in a stream, which
     * Cairn screens, records and writes, so {@code n: 128} answers of 4,096 words (half a million
     * chunks, seconds of CPU) are cut to 128 words each.
     */
    public static final int MAX_TOTAL_WORDS = 16_384;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> advertisedModels() {
        return List.of(MODEL);
    }

    @Override
    public ProviderResult chat(ObjectNode request, UpstreamCall call) {
        Reply reply = reply(request);
        ObjectNode response = JsonBodies.JSON.createObjectNode();
        response.put("id", reply.id());
        response.put("object", "chat.completion");
        response.put("created", System.currentTimeMillis() / 1000);
        response.put("model", NAME + "/" + MODEL);
        ArrayNode choices = response.putArray("choices");
        for (int i = 0; i < reply.n(); i++) {
            ObjectNode choice = choices.addObject();
            choice.put("index", i);
            ObjectNode message = choice.putObject("message");
            message.put("role", "assistant");
            message.put("content", reply.text());
            message.putNull("refusal");
            choice.putNull("logprobs");
            choice.put("finish_reason", reply.finishReason());
        }
        Usage usage = reply.usage();
        usage.putInto(response);
        return new ProviderResult(JsonBodies.JSON.writeValueAsBytes(response), usage, response);
    }

    @Override
    public void streamChat(ObjectNode request, UpstreamCall call, ChunkSink sink) {
        Reply reply = reply(request);
        long created = System.currentTimeMillis() / 1000;
        for (int i = 0; i < reply.n(); i++) {
            ObjectNode role = chunk(reply.id(), created, i);
            role.withArray("choices").get(0).get("delta").asObject().put("role", "assistant").put("content", "");
            sink.send(ChatChunk.of(role));
        }
        for (int w = 0; w < reply.words().size(); w++) {
            for (int i = 0; i < reply.n(); i++) {
                ObjectNode chunk = chunk(reply.id(), created, i);
                chunk.withArray("choices").get(0).get("delta").asObject()
                        .put("content", (w == 0 ? "" : " ") + reply.words().get(w));
                sink.send(ChatChunk.of(chunk));
            }
        }
        for (int i = 0; i < reply.n(); i++) {
            ObjectNode finish = chunk(reply.id(), created, i);
            finish.withArray("choices").get(0).asObject().put("finish_reason", reply.finishReason());
            sink.send(ChatChunk.of(finish));
        }
        JsonNode options = request.get("stream_options");
        if (options != null && options.path("include_usage").asBoolean(false)) {
            ObjectNode usageChunk = chunkShell(reply.id(), created);
            usageChunk.putArray("choices");
            reply.usage().putInto(usageChunk);
            sink.send(ChatChunk.of(usageChunk));
        }
    }

    @Override
    public ProviderResult embeddings(ObjectNode request, UpstreamCall call) {
        List<String> inputs = inputs(request.get("input"));
        int dimensions = request.path("dimensions").asInt(DEFAULT_DIMENSIONS);
        if (dimensions < 1 || dimensions > 4096) {
            throw RequestException.invalid("invalid_value", "dimensions", "'dimensions' must be between 1 and 4096");
        }
        boolean base64 = "base64".equals(request.path("encoding_format").asString("float"));
        ObjectNode response = JsonBodies.JSON.createObjectNode();
        response.put("object", "list");
        ArrayNode data = response.putArray("data");
        long tokens = 0;
        for (int i = 0; i < inputs.size(); i++) {
            float[] vector = vector(inputs.get(i), dimensions);
            tokens += words(inputs.get(i)).size();
            ObjectNode item = data.addObject();
            item.put("object", "embedding");
            item.put("index", i);
            if (base64) {
                ByteBuffer bytes = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (float v : vector) {
                    bytes.putFloat(v);
                }
                item.put("embedding", Base64.getEncoder().encodeToString(bytes.array()));
            } else {
                ArrayNode values = item.putArray("embedding");
                for (float v : vector) {
                    values.add(v);
                }
            }
        }
        response.put("model", NAME + "/" + MODEL);
        Usage usage = new Usage(tokens, 0);
        response.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
        return new ProviderResult(JsonBodies.JSON.writeValueAsBytes(response), usage, response);
    }

    private record Reply(String id, String text, List<String> words, String finishReason, int n, long promptTokens) {
        /** One token per word, for each of the {@code n} identical choices. */
        Usage usage() {
            return new Usage(promptTokens, (long) words.size() * n);
        }
    }

    private static Reply reply(ObjectNode request) {
        String lastUser = "";
        long promptTokens = 0;
        for (JsonNode message : request.path("messages").values()) {
            String content = ChatMessage.text(message.get("content"));
            promptTokens += countWords(content) + 3;
            if ("user".equals(message.path("role").asString(""))) {
                lastUser = content;
            }
        }
        int n = Math.max(1, request.path("n").asInt(1));
        int asked = request.path("max_completion_tokens").asInt(request.path("max_tokens").asInt(MAX_ANSWER_WORDS));
        int max = Math.max(1, Math.min(asked > 0 ? Math.min(asked, MAX_ANSWER_WORDS) : MAX_ANSWER_WORDS, MAX_TOTAL_WORDS / n));
        // Split no further than the answer goes: the rest of a long prompt stays one string.
        List<String> words = words(lastUser, max + 1);
        String finishReason = "stop";
        if (words.size() > max) {
            words = words.subList(0, max);
            finishReason = "length";
        }
        String id = "chatcmpl-" + Ids.newId("echo");
        return new Reply(id, String.join(" ", words), words, finishReason, n, promptTokens);
    }

    private static List<String> words(String text) {
        return words(text, 0);
    }

    /** The words of {@code text}; with a positive {@code limit}, at most that many, the last holding the rest. */
    private static List<String> words(String text, int limit) {
        String trimmed = text.strip();
        return trimmed.isEmpty() ? List.of() : List.of(trimmed.split("\\s+", limit));
    }

    /** The words of {@code text}, counted without splitting it. */
    private static int countWords(String text) {
        int count = 0;
        boolean inWord = false;
        for (int i = 0; i < text.length(); i++) {
            boolean space = Character.isWhitespace(text.charAt(i));
            if (!space && !inWord) {
                count++;
            }
            inWord = !space;
        }
        return count;
    }

    private static List<String> inputs(JsonNode input) {
        List<String> inputs = new ArrayList<>();
        if (input.isString()) {
            inputs.add(input.stringValue());
        } else {
            for (JsonNode item : input.values()) {
                // Token arrays hash like their text form: deterministic, which is all echo promises.
                inputs.add(item.isString() ? item.stringValue() : item.toString());
            }
        }
        return inputs;
    }

    private static float[] vector(String text, int dimensions) {
        byte[] seed = sha256(text);
        SplittableRandom random = new SplittableRandom(ByteBuffer.wrap(seed).getLong());
        float[] vector = new float[dimensions];
        double norm = 0;
        for (int i = 0; i < dimensions; i++) {
            vector[i] = (float) (random.nextDouble() * 2 - 1);
            norm += vector[i] * vector[i];
        }
        float scale = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < dimensions; i++) {
            vector[i] *= scale;
        }
        return vector;
    }

    private static ObjectNode chunkShell(String id, long created) {
        ObjectNode chunk = JsonBodies.JSON.createObjectNode();
        chunk.put("id", id);
        chunk.put("object", "chat.completion.chunk");
        chunk.put("created", created);
        chunk.put("model", NAME + "/" + MODEL);
        return chunk;
    }

    private static ObjectNode chunk(String id, long created, int index) {
        ObjectNode chunk = chunkShell(id, created);
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", index);
        choice.putObject("delta");
        choice.putNull("logprobs");
        choice.putNull("finish_reason");
        return chunk;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
