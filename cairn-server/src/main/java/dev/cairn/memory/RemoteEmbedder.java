package dev.cairn.memory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.embedding.Embedder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** An OpenAI-compatible {@code POST /embeddings} endpoint, for teams that embed with a hosted model. */
final class RemoteEmbedder implements Embedder {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI endpoint;
    private final String apiKey;
    private final String model;

    RemoteEmbedder(String baseUrl, String apiKey, String model) {
        if (baseUrl == null || baseUrl.isBlank() || model == null || model.isBlank()) {
            throw new IllegalStateException("cairn.memory.embedding.provider=remote needs base-url and model");
        }
        this.endpoint = URI.create(baseUrl.replaceAll("/+$", "") + "/embeddings");
        this.apiKey = apiKey;
        this.model = model;
    }

    @Override
    public String model() {
        return model;
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        ObjectNode body = JsonBodies.JSON.createObjectNode();
        body.put("model", model);
        texts.forEach(body.putArray("input")::add);
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (apiKey != null && !apiKey.isBlank()) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("embeddings endpoint " + endpoint + " answered " + response.statusCode());
            }
            JsonNode data = JsonBodies.JSON.readTree(response.body()).path("data");
            float[][] vectors = new float[texts.size()][];
            for (JsonNode entry : data) {
                JsonNode values = entry.path("embedding");
                float[] vector = new float[values.size()];
                for (int i = 0; i < vector.length; i++) {
                    vector[i] = (float) values.get(i).asDouble();
                }
                vectors[entry.path("index").asInt()] = Embedder.normalize(vector);
            }
            List<float[]> result = new ArrayList<>(texts.size());
            for (float[] vector : vectors) {
                if (vector == null) {
                    throw new IllegalStateException("embeddings endpoint " + endpoint + " left out an input");
                }
                result.add(vector);
            }
            return result;
        } catch (IOException e) {
            throw new IllegalStateException("embeddings endpoint " + endpoint + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while embedding", e);
        }
    }
}
