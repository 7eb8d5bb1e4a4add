package dev.cairn.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.cairn.cli.CairnCommand;
import dev.cairn.ledger.Checkpoint;
import dev.cairn.ledger.Hashes;
import dev.cairn.ledger.LogVerifier;
import dev.cairn.ledger.MerkleProofs;
import dev.cairn.ledger.NoteVerifier;
import dev.cairn.support.CairnServerTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;

/** Every gateway request becomes an entry that a client can fetch, prove and, after erasure, no longer read. */
class AuditEndToEndTest extends CairnServerTest {

    @Autowired
    JdbcClient jdbc;

    @Test
    void aChatCompletionIsRecordedSealedAndProvable() throws Exception {
        String key = createKey("ws-audit");
        HttpResponseFor<ChatCompletion> raw = openAi(key).chat().completions().withRawResponse().create(
                ChatCompletionCreateParams.builder().model("fake/gpt-fake").addUserMessage("my card is 4111")
                        .user("alice@example.com").temperature(0.2).build());
        String requestId = raw.headers().values("Cairn-Request-Id").getFirst();
        assertThat(raw.parse().choices().getFirst().message().content()).contains("Hello from upstream");

        JsonNode proof = json(get("/v1/audit/requests/" + requestId, key));

        JsonNode entry = proof.get("entry");
        assertThat(entry.path("type").asString()).isEqualTo("gateway.chat.completions");
        assertThat(entry.path("id").asString()).isEqualTo(requestId);
        assertThat(entry.path("workspace").asString()).isEqualTo("ws-audit");
        assertThat(entry.path("data").path("model").asString()).isEqualTo("fake/gpt-fake");
        assertThat(entry.path("data").path("provider").asString()).isEqualTo("fake");
        assertThat(entry.path("data").path("status").asInt()).isEqualTo(200);
        assertThat(entry.path("data").path("request").path("temperature").asDouble()).isEqualTo(0.2);
        assertThat(entry.path("data").path("prompt_tokens").isMissingNode()).isTrue();
        assertThat(entry.path("data").path("usage").path("completion_tokens").asInt()).isEqualTo(3);
        assertThat(entry.path("data").path("response").path("finish_reasons").get(0).asString()).isEqualTo("stop");
        String canonical = new String(Base64.getDecoder().decode(proof.path("entry_canonical").asString()), StandardCharsets.UTF_8);
        assertThat(canonical).doesNotContain("4111").doesNotContain("alice").doesNotContain("Hello from upstream");
        assertThat(proof.path("content_state").asString()).isEqualTo("available");
        assertThat(proof.path("content").path("messages").get(0).path("content").asString()).isEqualTo("my card is 4111");
        assertThat(proof.path("content").path("user").asString()).isEqualTo("alice@example.com");
        assertThat(proof.path("content").path("choices").get(0).path("message").path("content").asString())
                .isEqualTo("Hello from upstream");

        assertProofVerifies(proof);
    }

    @Test
    void aStreamedAnswerIsPutBackTogetherInItsEntry() throws Exception {
        String key = createKey("ws-audit");
        List<String> requestIds = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = openAi(key).chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("fake/gpt-fake").addUserMessage("stream please").build())) {
            stream.stream().forEach(chunk -> { });
        }
        HttpResponse<String> listing = get("/v1/audit/entries?type=gateway.chat.completions&workspace=ws-audit", key);
        JsonNode data = json(listing).get("data");
        data.forEach(e -> requestIds.add(e.path("id").asString()));
        JsonNode last = json(get("/v1/audit/requests/" + requestIds.getLast(), key));

        assertThat(last.path("entry").path("data").path("stream").asBoolean()).isTrue();
        assertThat(last.path("content").path("choices").get(0).path("message").path("content").asString())
                .isEqualTo("Hello from upstream");
        assertThat(last.path("entry").path("data").path("usage").path("prompt_tokens").asInt()).isEqualTo(11);
        assertProofVerifies(last);
    }

    @Test
    void failuresAndAdminActionsAreEntriesToo() {
        String key = createKey("ws-fail");
        HttpResponse<String> failed = post("/v1/chat/completions", key, """
                {"model":"nowhere/model","messages":[{"role":"user","content":"hi"}]}""");
        assertThat(failed.statusCode()).isEqualTo(404);
        String requestId = failed.headers().firstValue("Cairn-Request-Id").orElseThrow();

        JsonNode entry = json(get("/v1/audit/requests/" + requestId, key)).get("entry");

        assertThat(entry.path("data").path("status").asInt()).isEqualTo(404);
        assertThat(entry.path("data").path("error").path("code").asString()).isEqualTo("model_not_found");
        JsonNode admin = json(get("/v1/audit/entries?type=admin.key.created&workspace=ws-fail", ADMIN_KEY)).get("data");
        assertThat(admin.size()).isGreaterThanOrEqualTo(1);
        JsonNode bootstrap = json(get("/v1/audit/entries?type=admin.key.created&workspace=default", ADMIN_KEY)).get("data");
        assertThat(bootstrap.size()).as("the bootstrap admin key's creation").isEqualTo(1);
        JsonNode config = json(get("/v1/audit/entries?type=admin.config.changed", ADMIN_KEY)).get("data");
        // At least this server's own: other test classes start servers with other settings on the same data dir.
        assertThat(config.size()).as("the configuration at start").isGreaterThanOrEqualTo(1);
    }

    @Test
    void theLogIsReadableAsTilesByAuditorsOnlyAndVerifiesFromOutside() throws Exception {
        String user = createKey("ws-tiles");
        String auditor = createKeyWithRole("ws-tiles", "auditor");
        post("/v1/chat/completions", user, """
                {"model":"cairn/echo","messages":[{"role":"user","content":"tile me"}]}""");

        assertThat(get("/log/checkpoint", user).statusCode()).isEqualTo(403);
        assertThat(get("/log/checkpoint", null).statusCode()).isEqualTo(401);
        HttpResponse<String> vkey = get("/log/vkey", null);
        assertThat(vkey.statusCode()).isEqualTo(200);
        NoteVerifier verifier = NoteVerifier.parse(vkey.body());
        post("/log/checkpoint", auditor, "");

        LogVerifier log = new LogVerifier(logReader(auditor), verifier);
        Checkpoint latest = log.latestCheckpoint();
        LogVerifier.Report report = log.verifyTree(latest, LogVerifier.Entries.ALL);

        assertThat(latest.size()).isGreaterThanOrEqualTo(2);
        assertThat(report.entriesChecked()).isEqualTo(latest.size());
        assertThat(get("/log/tile/0/999", auditor).statusCode()).isEqualTo(404);
        assertThat(get("/log/tile/0/0001", auditor).statusCode()).isEqualTo(400);
        assertThat(json(get("/log/tile/0/0001", auditor)).path("error").path("type").asString()).isEqualTo("invalid_request_error");
    }

    @Test
    void theVerifyCommandChecksTheRunningLogAndOneRequest(@TempDir Path dir) {
        String user = createKey("ws-verify");
        String auditor = createKeyWithRole("ws-verify", "auditor");
        HttpResponse<String> answer = post("/v1/chat/completions", user, """
                {"model":"cairn/echo","messages":[{"role":"user","content":"verify me"}]}""");
        String requestId = answer.headers().firstValue("Cairn-Request-Id").orElseThrow();
        String vkey = get("/log/vkey", null).body().strip();
        Path state = dir.resolve("state");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine verify = CairnCommand.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err));

        int first = verify.execute("verify", "--url", url(""), "--vkey", vkey, "--key", auditor,
                "--state", state.toString(), "--request", requestId);
        post("/v1/chat/completions", user, """
                {"model":"cairn/echo","messages":[{"role":"user","content":"and grow"}]}""");
        post("/log/checkpoint", auditor, "");
        int second = verify.execute("verify", "--url", url(""), "--vkey", vkey, "--key", auditor, "--state", state.toString());

        assertThat(first).as(err.toString()).isZero();
        assertThat(second).as(err.toString()).isZero();
        assertThat(out.toString()).contains("signature OK", "request " + requestId + ": entry",
                "the log extends the checkpoint of size");
        assertThat(verify.execute("verify", "--url", url(""), "--vkey", vkey, "--key", user, "--state", state.toString()))
                .as("a user key may not read the tiles").isEqualTo(1);
    }

    @Test
    void erasingASubjectLeavesItsContentUnreadableAndEveryProofValid() throws Exception {
        String key = createKey("ws-erase");
        HttpResponse<String> answer = post("/v1/chat/completions", key, """
                {"model":"fake/gpt-fake","user":"bob","messages":[{"role":"user","content":"bob's secret"}]}""");
        String requestId = answer.headers().firstValue("Cairn-Request-Id").orElseThrow();
        JsonNode before = json(get("/v1/audit/requests/" + requestId, key));
        assertThat(before.path("content_state").asString()).isEqualTo("available");
        String keyId = before.path("entry").path("sealed").path("key").asString();

        HttpResponse<String> notAdmin = post("/v1/audit/subjects/bob/erase", key, "");
        assertThat(notAdmin.statusCode()).isEqualTo(403);
        HttpResponse<String> erased = post("/v1/audit/subjects/bob/erase?workspace=ws-erase", ADMIN_KEY, "");
        assertThat(erased.statusCode()).isEqualTo(200);
        assertThat(json(erased).path("keys_destroyed").asInt()).isEqualTo(1);

        JsonNode after = json(get("/v1/audit/requests/" + requestId, key));
        assertThat(after.path("content_state").asString()).isEqualTo("erased");
        assertThat(after.path("content").isNull()).isTrue();
        assertThat(after.path("entry_canonical").asString()).isEqualTo(before.path("entry_canonical").asString());
        assertProofVerifies(after);
        assertThat(jdbc.sql("SELECT wrapped_key FROM audit_data_keys WHERE id = ?").param(keyId)
                .query(byte[].class).optional()).isEmpty();
        JsonNode erasure = json(get("/v1/audit/entries/" + json(erased).path("index").asLong(), ADMIN_KEY));
        assertThat(erasure.path("entry").path("type").asString()).isEqualTo("subject.erased");
        assertProofVerifies(erasure);
    }

    @Test
    void keysSeeOnlyTheirWorkspaceAndBadQueriesGetOpenAiErrors() {
        String mine = createKey("ws-mine");
        String theirs = createKey("ws-theirs");
        HttpResponse<String> answer = post("/v1/chat/completions", mine, """
                {"model":"cairn/echo","messages":[{"role":"user","content":"private"}]}""");
        String requestId = answer.headers().firstValue("Cairn-Request-Id").orElseThrow();

        assertThat(get("/v1/audit/requests/" + requestId, theirs).statusCode()).isEqualTo(404);
        assertThat(get("/v1/audit/entries?workspace=ws-mine", theirs).statusCode()).isEqualTo(403);
        assertThat(json(get("/v1/audit/entries", theirs)).get("data")).allSatisfy(
                e -> assertThat(e.path("workspace").asString()).isEqualTo("ws-theirs"));
        for (String bad : List.of("/v1/audit/entries?limit=abc", "/v1/audit/entries?limit=0",
                "/v1/audit/entries?from=yesterday", "/v1/audit/entries?after=-3", "/v1/audit/entries/x")) {
            HttpResponse<String> response = get(bad, mine);
            assertThat(response.statusCode()).as(bad).isEqualTo(400);
            assertThat(json(response).path("error").path("message").asString()).as(bad).isNotBlank();
        }
        assertThat(get("/v1/audit/requests/req_nope", mine).statusCode()).isEqualTo(404);
    }

    @Test
    void listingPagesThroughEntries() {
        String key = createKey("ws-pages");
        for (int i = 0; i < 5; i++) {
            post("/v1/chat/completions", key, """
                    {"model":"cairn/echo","messages":[{"role":"user","content":"page %d"}]}""".formatted(i));
        }
        List<Long> seen = new ArrayList<>();
        String after = null;
        do {
            JsonNode page = json(get("/v1/audit/entries?type=gateway.chat.completions&limit=2"
                    + (after == null ? "" : "&after=" + after), key));
            page.get("data").forEach(e -> seen.add(e.path("index").asLong()));
            after = page.path("next_after").isNull() ? null : page.path("next_after").asString();
        } while (after != null);
        assertThat(seen).hasSize(5).isSorted().doesNotHaveDuplicates();
    }

    /** Checks a proof response with nothing but the ledger library and the log's public key. */
    private void assertProofVerifies(JsonNode proof) throws Exception {
        NoteVerifier verifier = NoteVerifier.parse(get("/log/vkey", null).body());
        byte[] entry = Base64.getDecoder().decode(proof.path("entry_canonical").asString());
        byte[] leaf = Hashes.leafHash(entry);
        assertThat(Base64.getEncoder().encodeToString(leaf)).isEqualTo(proof.path("leaf_hash").asString());
        Checkpoint checkpoint = Checkpoint.open(proof.path("checkpoint").asString(), verifier);
        assertThat(checkpoint.size()).isEqualTo(proof.path("tree_size").asLong());
        List<byte[]> path = new ArrayList<>();
        proof.path("inclusion_proof").forEach(h -> path.add(Base64.getDecoder().decode(h.asString())));
        MerkleProofs.verifyInclusion(leaf, proof.path("index").asLong(), checkpoint.size(), path, checkpoint.rootHash());
        assertThat(proof.path("citation").asString()).isEqualTo("cairn://" + checkpoint.origin() + "/" + proof.path("index").asLong());
    }
}
