package dev.cairn.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.HdrHistogram.Histogram;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Memory retrieval on LoCoMo, through a running Cairn's HTTP API, as a client would use it.
 *
 * <ol>
 *   <li>Every dialogue turn of each conversation becomes a {@code message} item on the
 *       conversation's thread ({@code external_id} = conversation + {@code dia_id},
 *       {@code occurred_at} = the session's date); the run waits for their embeddings.</li>
 *   <li>Each question of categories 1–4 is recalled in its conversation's thread with full text
 *       only, vectors only and hybrid; recall@k is the share of the question's evidence turns
 *       among the first k items, averaged over questions.</li>
 *   <li>The workspace is then filled to {@code --pad-to} items (LoCoMo's session summaries and
 *       observations, then the turns again on a filler thread) and recall latency is measured
 *       across the whole workspace, client side, with the server's query-embedding cache off.</li>
 * </ol>
 *
 * Usage: {@code MemoryBench --url http://127.0.0.1:9300 --key ck_… --admin-key ck_… --data locomo-dev.json
 * [--pad-to 10000] [--latency-queries 1000]}. Prints one JSON line.
 */
public final class MemoryBench {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** LoCoMo's session dates: "1:56 pm on 8 May, 2023". */
    private static final DateTimeFormatter SESSION_DATE = new java.time.format.DateTimeFormatterBuilder().parseCaseInsensitive()
            .appendPattern("h:mm a 'on' d MMMM, yyyy").toFormatter(Locale.ENGLISH);
    private static final int[] KS = {5, 10, 20};
    /** Search modes compared, each "mode" or "mode/fusion"; hybrid with Cairn's default fusion and with RRF. */
    private static final String[] MODES = {"text", "vector", "hybrid", "hybrid/rrf"};

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final String url;
    private final String key;
    private final String adminKey;

    private MemoryBench(String url, String key, String adminKey) {
        this.url = url;
        this.key = key;
        this.adminKey = adminKey;
    }

    private record Question(String thread, String text, Set<String> evidence, int category) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        MemoryBench bench = new MemoryBench(options.get("url"), options.get("key"), options.get("admin-key"));
        JsonNode data = JSON.readTree(Files.readString(Path.of(options.get("data"))));
        int padTo = Integer.parseInt(options.getOrDefault("pad-to", "10000"));
        int latencyQueries = Integer.parseInt(options.getOrDefault("latency-queries", "1000"));
        System.out.println(bench.run(data, padTo, latencyQueries));
    }

    private ObjectNode run(JsonNode data, int padTo, int latencyQueries) throws Exception {
        ObjectNode report = JSON.createObjectNode();
        List<Question> questions = new ArrayList<>();
        List<ObjectNode> turns = new ArrayList<>();
        List<String> extras = new ArrayList<>();
        for (JsonNode sample : data) {
            String conversationId = sample.get("sample_id").asString();
            String thread = "locomo-" + conversationId;
            post("/v1/memory/threads", "{\"id\":\"" + thread + "\",\"name\":\"LoCoMo " + conversationId + "\"}", key);
            JsonNode conversation = sample.get("conversation");
            for (int session = 1; conversation.has("session_" + session); session++) {
                String date = conversation.path("session_" + session + "_date_time").asString("");
                String occurredAt = date.isEmpty() ? null
                        : LocalDateTime.parse(date, SESSION_DATE).toInstant(ZoneOffset.UTC).toString();
                for (JsonNode turn : conversation.get("session_" + session)) {
                    ObjectNode item = JSON.createObjectNode();
                    item.put("thread_id", thread);
                    item.put("kind", "message");
                    item.put("content", turnText(turn));
                    item.put("external_id", conversationId + ":" + turn.get("dia_id").asString());
                    if (occurredAt != null) {
                        item.put("occurred_at", occurredAt);
                    }
                    item.putObject("metadata").put("speaker", turn.get("speaker").asString()).put("session", session);
                    turns.add(item);
                }
            }
            for (JsonNode qa : sample.get("qa")) {
                int category = qa.path("category").asInt();
                if (category < 1 || category > 4) {
                    continue;
                }
                Set<String> evidence = new HashSet<>();
                for (JsonNode e : qa.path("evidence")) {
                    for (String id : e.asString().split("[;,\\s]+")) {
                        if (id.matches("D\\d+:\\d+")) {
                            evidence.add(conversationId + ":" + id);
                        }
                    }
                }
                if (!evidence.isEmpty()) {
                    questions.add(new Question(thread, qa.get("question").asString(), evidence, category));
                }
            }
            sample.path("session_summary").properties().forEach(e -> extras.add(e.getValue().asString()));
            sample.path("observation").properties().forEach(session -> session.getValue().properties().forEach(
                    speaker -> speaker.getValue().forEach(o -> extras.add(o.isArray() ? o.get(0).asString() : o.asString()))));
        }
        long ingestStart = System.nanoTime();
        addAll(turns);
        double embedSeconds = awaitEmbeddings();
        report.put("turns", turns.size());
        report.put("questions", questions.size());
        report.put("ingest_and_embed_seconds", round((System.nanoTime() - ingestStart) / 1e9));
        report.put("embed_wait_seconds", round(embedSeconds));

        ObjectNode quality = report.putObject("recall");
        for (String mode : MODES) {
            double[] sums = new double[KS.length];
            for (Question q : questions) {
                List<String> found = recallIds(q, mode);
                for (int k = 0; k < KS.length; k++) {
                    int hits = 0;
                    for (String id : found.subList(0, Math.min(KS[k], found.size()))) {
                        if (q.evidence().contains(id)) {
                            hits++;
                        }
                    }
                    sums[k] += (double) hits / q.evidence().size();
                }
            }
            ObjectNode m = quality.putObject(mode.replace('/', '_'));
            for (int k = 0; k < KS.length; k++) {
                m.put("recall_at_" + KS[k], round(sums[k] / questions.size()));
            }
        }

        // Fill the workspace to padTo items, then time recall over all of it.
        List<ObjectNode> filler = new ArrayList<>();
        post("/v1/memory/threads", "{\"id\":\"locomo-filler\"}", key);
        for (int i = 0; turns.size() + filler.size() < padTo; i++) {
            ObjectNode item = JSON.createObjectNode();
            item.put("thread_id", "locomo-filler");
            if (i < extras.size()) {
                item.put("kind", "summary");
                item.put("content", extras.get(i));
            } else {
                ObjectNode turn = turns.get((i - extras.size()) % turns.size());
                item.put("kind", "message");
                item.put("content", turn.get("content").asString());
            }
            filler.add(item);
        }
        addAll(filler);
        awaitEmbeddings();
        report.put("latency_workspace_items", turns.size() + filler.size());
        Histogram latency = new Histogram(60_000_000L, 3);
        int warmup = Math.min(50, latencyQueries / 10);
        for (int i = 0; i < latencyQueries + warmup; i++) {
            Question q = questions.get(i % questions.size());
            // A suffix makes each query new to the server, so every recall embeds its query.
            String query = q.text() + (i >= questions.size() ? " (" + (i / questions.size()) + ")" : "");
            long start = System.nanoTime();
            HttpResponse<String> response = post("/v1/memory/recall", JSON.createObjectNode().put("query", query)
                    .put("top_k", 10).put("token_budget", 4000).toString(), key);
            long micros = (System.nanoTime() - start) / 1000;
            if (response.statusCode() != 200) {
                throw new IllegalStateException("recall failed: " + response.body());
            }
            if (i >= warmup) {
                latency.recordValue(micros);
            }
        }
        ObjectNode lat = report.putObject("recall_latency_ms");
        lat.put("queries", latencyQueries);
        lat.put("p50", latency.getValueAtPercentile(50) / 1000.0);
        lat.put("p95", latency.getValueAtPercentile(95) / 1000.0);
        lat.put("p99", latency.getValueAtPercentile(99) / 1000.0);
        lat.put("max", latency.getMaxValue() / 1000.0);
        return report;
    }

    /** A turn as its speaker said it; a shared photo is described by its caption, as LoCoMo does. */
    private static String turnText(JsonNode turn) {
        String text = turn.get("speaker").asString() + ": " + turn.get("text").asString();
        if (turn.hasNonNull("blip_caption")) {
            text += " [shares a photo: " + turn.get("blip_caption").asString() + "]";
        }
        return text;
    }

    private List<String> recallIds(Question q, String mode) throws IOException, InterruptedException {
        String[] parts = mode.split("/");
        ObjectNode body = JSON.createObjectNode().put("query", q.text()).put("thread_id", q.thread()).put("mode", parts[0])
                .put("top_k", 20).put("token_budget", 1_000_000);
        if (parts.length > 1) {
            body.put("fusion", parts[1]);
        }
        HttpResponse<String> response = post("/v1/memory/recall", body.toString(), key);
        if (response.statusCode() != 200) {
            throw new IllegalStateException("recall failed: " + response.body());
        }
        List<String> ids = new ArrayList<>();
        JSON.readTree(response.body()).get("items").forEach(i -> ids.add(i.path("external_id").asString("")));
        return ids;
    }

    private void addAll(List<ObjectNode> items) throws IOException, InterruptedException {
        for (int from = 0; from < items.size(); from += 1000) {
            ObjectNode body = JSON.createObjectNode();
            ArrayNode batch = body.putArray("items");
            items.subList(from, Math.min(items.size(), from + 1000)).forEach(batch::add);
            HttpResponse<String> response = post("/v1/memory/items", body.toString(), key);
            if (response.statusCode() != 200) {
                throw new IllegalStateException("adding items failed: " + response.statusCode() + " " + response.body());
            }
        }
    }

    /** Waits until no embedding job is queued or running; returns the seconds waited. */
    private double awaitEmbeddings() throws IOException, InterruptedException {
        long start = System.nanoTime();
        while (true) {
            HttpResponse<String> response = get("/admin/jobs?kind=memory.embed&limit=1", adminKey);
            JsonNode counts = JSON.readTree(response.body()).get("counts");
            if (counts.path("queued").asInt() == 0 && counts.path("running").asInt() == 0) {
                if (counts.path("failed").asInt() > 0) {
                    throw new IllegalStateException("embedding jobs failed: " + counts);
                }
                return (System.nanoTime() - start) / 1e9;
            }
            Thread.sleep(500);
        }
    }

    private HttpResponse<String> post(String path, String body, String apiKey) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url + path)).header("Authorization", "Bearer " + apiKey)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String apiKey) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url + path)).header("Authorization", "Bearer " + apiKey).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
