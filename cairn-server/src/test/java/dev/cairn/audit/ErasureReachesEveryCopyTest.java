package dev.cairn.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.cairn.ledger.Checkpoint;
import dev.cairn.ledger.Hashes;
import dev.cairn.ledger.LogVerifier;
import dev.cairn.ledger.MerkleProofs;
import dev.cairn.ledger.NoteVerifier;
import dev.cairn.platform.PlatformProperties;
import dev.cairn.support.CairnServerTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Issue 33's test of erasure: one data subject's distinctive strings go through every feature that
 * keeps something (chat with thread memory and recall, the memory API's items and ingest,
 * embeddings, feedback, a stored response, end-user rate limits), the subject is erased, and then
 * no file of the data directory (database, its log and index, keys, everything) holds any of them
 * as bytes, while every proof of the log still verifies. Another subject's string, sent the same
 * way, is found before and after: the scan can see what it looks for.
 */
class ErasureReachesEveryCopyTest extends CairnServerTest {

    private static final String WORKSPACE = "erase-every-copy";
    private static final SecureRandom RANDOM = new SecureRandom();

    @DynamicPropertySource
    static void endUserLimits(DynamicPropertyRegistry registry) {
        registry.add("cairn.limits.store", () -> "local");
        registry.add("cairn.limits.workspaces." + WORKSPACE + ".user.requests-per-minute", () -> "1000");
    }

    @Autowired
    PlatformProperties platform;

    @Test
    void noFileOfTheDataDirHoldsAnErasedSubjectsStringsAndEveryProofStillVerifies() throws Exception {
        String key = createKey(WORKSPACE);
        Map<String, String> secrets = new LinkedHashMap<>();
        String subject = "erasee-" + token(secrets, "subject name") + "@example.com";
        String thread = "thr-erasee-" + HexFormat.of().formatHex(new byte[] {(byte) RANDOM.nextInt(), (byte) RANDOM.nextInt()});

        // Recall first, while the workspace's memory is empty: its query's vector is cached, and no
        // recalled string of random letters meets the guard's classifier, which would block it.
        chat(key, subject, thread, "recall", "What is my cat called? My dog is " + token(secrets, "recall query") + ".");
        String chat = chat(key, subject, thread, null, "My cat is called " + token(secrets, "chat turn") + ".");
        assertThat(post(key, subject, "/v1/memory/items", """
                {"items":[{"kind":"fact","thread_id":"%s","content":"Lives near %s"}]}""".formatted(thread,
                token(secrets, "memory item"))).statusCode()).isEqualTo(200);
        assertThat(post(key, subject, "/v1/memory/ingest", """
                {"format":"text","content":"A note about %s for later."}""".formatted(token(secrets, "ingested text")))
                .statusCode()).isEqualTo(200);
        assertThat(post(key, null, "/v1/embeddings", """
                {"model":"cairn/echo","user":"%s","input":"Embed %s"}""".formatted(subject, token(secrets, "embedding input")))
                .statusCode()).isEqualTo(200);
        assertThat(post(key, null, "/v1/feedback", """
                {"request_id":"%s","comment":"Said %s","end_user":"%s"}""".formatted(chat, token(secrets, "feedback"), subject))
                .statusCode()).isEqualTo(200);
        assertThat(post(key, subject, "/v1/responses", """
                {"model":"cairn/echo","store":true,"input":"Respond to %s"}""".formatted(token(secrets, "stored response")))
                .statusCode()).isEqualTo(200);

        // The control: another subject, the same way, with its string in its thread's id too (an id,
        // kept in the clear by design), so that it stays findable whatever is sealed at rest.
        String control = "ctl" + hex(10) + "q7";
        String keeper = "keeper-" + hex(6) + "@example.com";
        chat(key, keeper, "thr-" + control, null, "My cat is called " + control + ".");
        post(key, keeper, "/v1/memory/items", """
                {"items":[{"kind":"fact","content":"Keeps %s"}]}""".formatted(control));
        awaitEmbeddings(key, thread);

        String auditor = createKeyWithRole(WORKSPACE, "auditor");
        post("/log/checkpoint", auditor, "");
        LogVerifier verifier = new LogVerifier(logReader(auditor), NoteVerifier.parse(get("/log/vkey", null).body()));
        Checkpoint before = verifier.latestCheckpoint();
        assertThat(found(List.of(control))).as("the control before the erasure").containsExactly(control);

        HttpResponse<String> erased = post("/v1/audit/subjects/" + URLEncoder.encode(subject, StandardCharsets.UTF_8)
                + "/erase?workspace=" + WORKSPACE, ADMIN_KEY, "");

        assertThat(erased.statusCode()).as(erased.body()).isEqualTo(200);
        JsonNode result = json(erased);
        assertThat(result.path("complete").asBoolean()).as(erased.body()).isTrue();
        assertThat(rows(result.path("memory"), "memory_items")).as("two chats' turns, an item, an ingested chunk")
                .isGreaterThanOrEqualTo(6);
        assertThat(rows(result.path("memory"), "memory_threads")).as("the thread the erasure emptied").isEqualTo(1);
        assertThat(rows(result.path("limits"), "user_buckets")).as("the end user's buckets").isGreaterThanOrEqualTo(1);
        assertThat(rows(result.path("jobs"), "queued") + rows(result.path("jobs"), "ran")).as("the items' embedding jobs")
                .isGreaterThanOrEqualTo(1);
        assertThat(result.path("files").path("method").asString()).contains("wal_checkpoint(TRUNCATE)");

        assertThat(get("/v1/memory/threads/" + thread, key).statusCode()).as("a thread left empty is deleted").isEqualTo(404);
        assertThat(json(get("/v1/memory/items?limit=1000", key)).path("data").toString())
                .doesNotContain(secrets.keySet().stream().map(ErasureReachesEveryCopyTest::tail).toArray(String[]::new))
                .contains(control);
        assertThat(json(get("/v1/audit/requests/" + chat, key)).path("content_state").asString()).isEqualTo("erased");

        assertThat(found(secrets.keySet().stream().map(ErasureReachesEveryCopyTest::tail).toList()))
                .as("strings of the erased subject found in the data dir's files (%s)", secrets).isEmpty();
        assertThat(found(List.of(control))).as("the control after the erasure").containsExactly(control);

        post("/log/checkpoint", auditor, "");
        Checkpoint after = verifier.latestCheckpoint();
        assertThat(verifier.verifyTree(after, LogVerifier.Entries.ALL).entriesChecked()).isEqualTo(after.size());
        verifier.verifyConsistency(before, after);
        long erasureIndex = result.path("index").asLong();
        long completedIndex = result.path("completed_index").asLong();
        JsonNode completed = json(get("/v1/audit/entries/" + completedIndex, ADMIN_KEY));
        assertThat(completed.path("entry").path("type").asString()).isEqualTo("subject.erasure.completed");
        assertThat(completed.path("entry").path("data").path("erasure_index").asLong()).isEqualTo(erasureIndex);
        assertThat(completed.path("entry").path("data").path("stores").path("memory").toString()).contains("memory_items");
        for (JsonNode proof : List.of(json(get("/v1/audit/requests/" + chat, ADMIN_KEY)), completed,
                json(get("/v1/audit/entries/" + erasureIndex, ADMIN_KEY)))) {
            assertProofVerifies(proof);
        }
    }

    @Test
    void theMemoryApiRefusesASubjectNoErasureCouldName() {
        String key = createKey(WORKSPACE);
        for (String bad : List.of("x".repeat(257), "tab\tinside")) {
            HttpResponse<String> refused = post(key, bad, "/v1/memory/items", """
                    {"items":[{"kind":"fact","content":"Not stored"}]}""");
            assertThat(refused.statusCode()).as(bad).isEqualTo(400);
            assertThat(json(refused).path("error").path("param").asString()).isEqualTo("Cairn-Subject");
            assertThat(json(refused).path("error").path("code").asString()).isEqualTo("invalid_header");
        }
    }

    /** A fresh distinctive string, remembered with where it was sent. */
    private static String token(Map<String, String> secrets, String where) {
        // Lower case and ending in "q7": the full-text index keeps it as it is (no case folding, no stemming).
        String token = "ers" + hex(10) + "q7";
        secrets.put(token, where);
        return token;
    }

    private static String hex(int bytes) {
        StringBuilder letters = new StringBuilder();
        for (int i = 0; i < 2 * bytes; i++) {
            letters.append((char) ('a' + RANDOM.nextInt(26)));
        }
        return letters.toString();
    }

    /**
     * What the scan looks for: a string's last 16 characters, since the full-text index stores a term
     * after the prefix it shares with the term before it.
     */
    private static String tail(String token) {
        return token.substring(token.length() - 16);
    }

    /** Those of the strings that some file under the data dir holds, as raw bytes. */
    private List<String> found(List<String> strings) throws IOException {
        List<String> found = new ArrayList<>();
        // The data dir the end-to-end servers share: other tests' files are read too, and hold none of these.
        try (Stream<Path> files = Files.walk(platform.dataDir())) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String bytes;
                try {
                    bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                } catch (IOException e) {
                    continue; // a file removed while walking (a temp file of SQLite's)
                }
                for (String s : strings) {
                    if (bytes.contains(s) && !found.contains(s)) {
                        found.add(s);
                    }
                }
            }
        }
        return found;
    }

    private String chat(String key, String subject, String thread, String memory, String content) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url("/v1/chat/completions")))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .header("Cairn-Subject", subject).header("Cairn-Thread", thread)
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"model":"cairn/echo","user":"%s","messages":[{"role":"user","content":"%s"}]}""".formatted(subject, content)));
        if (memory != null) {
            request.header("Cairn-Memory", memory);
        }
        HttpResponse<String> response = send(request.build());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.headers().firstValue("Cairn-Request-Id").orElseThrow();
    }

    private HttpResponse<String> post(String key, String subject, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(path)))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (subject != null) {
            request.header("Cairn-Subject", subject);
        }
        return send(request.build());
    }

    /** Waits until the thread's items carry vectors, so that the vectors were on disk before the erasure. */
    private void awaitEmbeddings(String key, String thread) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode items = json(get("/v1/memory/items?thread_id=" + thread, key)).path("data");
            boolean all = !items.isEmpty();
            for (JsonNode item : items) {
                all &= !item.path("embedding_model").isNull();
            }
            if (all) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the thread's items were not embedded within 60 s: "
                + get("/v1/memory/items?thread_id=" + thread, key).body() + " jobs: " + get("/admin/jobs?kind=memory.embed", ADMIN_KEY).body());
    }

    private static long rows(JsonNode holdings, String id) {
        for (JsonNode holding : holdings) {
            if (holding.path("id").asString().equals(id)) {
                return holding.path("rows").asLong();
            }
        }
        throw new AssertionError("no holding " + id + " in " + holdings);
    }

    /** Checks a proof response with nothing but the ledger library and the log's public key, as AuditEndToEndTest does. */
    private void assertProofVerifies(JsonNode proof) throws Exception {
        NoteVerifier verifier = NoteVerifier.parse(get("/log/vkey", null).body());
        byte[] entry = Base64.getDecoder().decode(proof.path("entry_canonical").asString());
        byte[] leaf = Hashes.leafHash(entry);
        assertThat(Base64.getEncoder().encodeToString(leaf)).isEqualTo(proof.path("leaf_hash").asString());
        Checkpoint checkpoint = Checkpoint.open(proof.path("checkpoint").asString(), verifier);
        List<byte[]> path = new ArrayList<>();
        proof.path("inclusion_proof").forEach(h -> path.add(Base64.getDecoder().decode(h.asString())));
        MerkleProofs.verifyInclusion(leaf, proof.path("index").asLong(), checkpoint.size(), path, checkpoint.rootHash());
    }
}
