package dev.cairn.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.cairn.access.Principal;
import dev.cairn.access.Role;
import dev.cairn.audit.AuditLog;
import dev.cairn.audit.AuditProperties;
import dev.cairn.audit.TestAuditLog;
import dev.cairn.gateway.echo.EchoProvider;
import dev.cairn.guard.Guard;
import dev.cairn.guard.GuardPolicies;
import dev.cairn.guard.GuardProperties;
import dev.cairn.guard.InputGuard;
import dev.cairn.guard.InputScreening;
import dev.cairn.guard.OutputGuard;
import dev.cairn.guard.OutputScreen;
import dev.cairn.limits.ClientPeer;
import dev.cairn.memory.Recollection;
import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.TraceContext;
import dev.cairn.support.Settings;
import dev.cairn.support.TestDatabases;
import dev.cairn.support.TestDatabases.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The audit step alone, on a real audit log over a SQLite file: each {@link Trail} becomes one
 * committed entry whose readable part holds parameters, routing, status, usage, verdicts and
 * memory ids, and whose sealed part, opened again, holds what the call said about a person.
 */
class ExchangeAuditTest {

    @TempDir
    static Path dir;

    private static TestDatabase db;
    private static TestAuditLog audit;
    private static ExchangeAudit exchangeAudit;

    private static final Principal PRINCIPAL = new Principal("key_audited", "ws_audit", Role.USER, List.of());
    private static final TraceContext TRACE = TraceContext.from("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    private static final Caller CLIENT = Caller.client(PRINCIPAL, TRACE, new ClientPeer("127.0.0.1", List.of()));
    private static final Route ROUTE = new Route("fast", new EchoProvider(), "echo");

    @BeforeAll
    static void startTheLog() {
        db = TestDatabases.sqlite(dir);
        audit = TestAuditLog.on(db.source());
        exchangeAudit = new ExchangeAudit(audit.log());
    }

    @AfterAll
    static void stopTheLog() {
        audit.close();
        db.close();
    }

    private static ObjectNode json(String text) {
        return (ObjectNode) JsonBodies.JSON.readTree(text);
    }

    private static ObjectNode chatRequest() {
        return json("""
                {"model":"fast","temperature":0.2,"max_tokens":50,"user":"alice",
                 "messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Where is my parcel?"}]}""");
    }

    private static Answer.Whole whole(String answer) {
        ObjectNode tree = json("""
                {"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"echo","system_fingerprint":"fp_1",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"placeholder"},"finish_reason":"stop"},
                            {"index":1,"message":{"role":"assistant","content":"Cut short"},"finish_reason":"length"}],
                 "usage":{"prompt_tokens":11,"completion_tokens":3,"total_tokens":14}}""");
        ((ObjectNode) tree.get("choices").get(0).get("message")).put("content", answer);
        return new Answer.Whole(new ProviderResult(tree.toString().getBytes(StandardCharsets.UTF_8), new Usage(11, 3), tree));
    }

    private static Trail calledTrail(Caller caller, Answer answer) {
        return Trail.start("chat.completions", caller).read(chatRequest(), false, "alice").routed(ROUTE)
                .called(ROUTE, List.of(), List.of(), 1_234_000, answer);
    }

    @Test
    void aWholeAnswerIsRecordedWithItsParametersReadableAndWhatItSaysOfAPersonSealed() {
        Trail trail = calledTrail(CLIENT, whole("Your parcel is in Lyon."));

        assertThat(exchangeAudit.record(trail)).as("a recordable answer is recorded as it is").isSameAs(trail);

        JsonNode entry = audit.entry(trail.requestId());
        assertThat(entry.get("type").asString()).isEqualTo("gateway.chat.completions");
        assertThat(entry.get("workspace").asString()).isEqualTo("ws_audit");
        assertThat(entry.get("key_id").asString()).isEqualTo("key_audited");
        assertThat(entry.get("trace_id").asString()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
        assertThat(entry.get("subject").asString()).as("the subject named by a pseudonym").startsWith("sub_");
        JsonNode data = entry.get("data");
        assertThat(data.get("route").asString()).isEqualTo("chat.completions");
        assertThat(data.get("model").asString()).isEqualTo("fast");
        assertThat(data.get("provider").asString()).isEqualTo("cairn");
        assertThat(data.get("upstream_model").asString()).isEqualTo("echo");
        assertThat(data.get("stream").asBoolean()).isFalse();
        assertThat(data.get("status").asInt()).isEqualTo(200);
        assertThat(data.has("error")).isFalse();
        assertThat(data.get("upstream_latency_us").asLong()).isEqualTo(1234);
        assertThat(data.get("latency_us").asLong()).isNotNegative();
        assertThat(data.get("usage")).isEqualTo(json("{\"prompt_tokens\":11,\"completion_tokens\":3,\"total_tokens\":14}"));
        assertThat(data.get("request")).as("parameters only")
                .isEqualTo(json("{\"model\":\"fast\",\"temperature\":0.2,\"max_tokens\":50}"));
        assertThat(data.get("response")).isEqualTo(json("""
                {"id":"chatcmpl-1","object":"chat.completion","model":"echo","system_fingerprint":"fp_1",
                 "finish_reasons":["stop","length"]}"""));
        assertThat(data.has("guard")).as("nothing was screened").isFalse();
        assertThat(data.has("memory")).as("no thread was named").isFalse();
        assertThat(entry.toString()).as("nothing personal in the clear").doesNotContain("parcel", "alice", "Lyon");

        JsonNode personal = audit.personal(trail.requestId());
        assertThat(personal.get("user").asString()).isEqualTo("alice");
        assertThat(personal.get("messages")).isEqualTo(chatRequest().get("messages"));
        assertThat(personal.get("choices").get(0).get("message").get("content").asString()).isEqualTo("Your parcel is in Lyon.");
        assertThat(personal.get("choices")).hasSize(2);
    }

    @Test
    void aStreamedAnswerIsRecordedFromItsTranscriptLikeAWholeOne() {
        StreamTranscript transcript = new StreamTranscript(chunk -> { });
        transcript.send(ChatChunk.parse("""
                {"id":"chatcmpl-s","object":"chat.completion.chunk","model":"echo","system_fingerprint":"fp_s","choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"},"finish_reason":null}]}"""));
        transcript.send(ChatChunk.parse("""
                {"id":"chatcmpl-s","object":"chat.completion.chunk","model":"echo","choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":null}]}"""));
        transcript.send(ChatChunk.parse("""
                {"id":"chatcmpl-s","object":"chat.completion.chunk","model":"echo","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"""));
        Trail trail = Trail.start("chat.completions", CLIENT).read(chatRequest().put("stream", true), true, null).routed(ROUTE)
                .called(ROUTE, List.of(), List.of(), 0, new Answer.Streamed(transcript, new Usage(7, 2)));

        exchangeAudit.record(trail);

        JsonNode data = audit.entry(trail.requestId()).get("data");
        assertThat(data.get("stream").asBoolean()).isTrue();
        assertThat(data.get("request").get("stream").asBoolean()).isTrue();
        assertThat(data.get("usage").get("total_tokens").asLong()).isEqualTo(9);
        assertThat(data.get("response")).isEqualTo(json("""
                {"id":"chatcmpl-s","model":"echo","system_fingerprint":"fp_s","finish_reasons":["stop"]}"""));
        JsonNode choices = audit.personal(trail.requestId()).get("choices");
        assertThat(choices).hasSize(1);
        assertThat(choices.get(0).get("message").get("content").asString()).isEqualTo("Hello");
        assertThat(choices.get(0).get("finish_reason").asString()).isEqualTo("stop");
    }

    @Test
    void aFailedCallIsRecordedWithItsStatusAndErrorAndTheModelItAskedFor() {
        Trail trail = Trail.start("chat.completions", CLIENT).read(chatRequest().put("model", "nowhere/none"), false, null)
                .failed(GatewayException.unknownModel("nowhere/none"));

        exchangeAudit.record(trail);

        JsonNode data = audit.entry(trail.requestId()).get("data");
        assertThat(data.get("status").asInt()).isEqualTo(404);
        assertThat(data.get("error").get("code").asString()).isEqualTo("model_not_found");
        assertThat(data.get("error").get("message").asString()).startsWith("The model 'nowhere/none' does not exist");
        assertThat(data.get("model").asString()).as("unrouted: the model as asked for").isEqualTo("nowhere/none");
        assertThat(data.has("provider")).isFalse();
        assertThat(data.get("usage").get("total_tokens").asLong()).isZero();
        assertThat(data.get("response").isEmpty()).as("no answer").isTrue();
        assertThat(audit.personal(trail.requestId()).has("choices")).isFalse();
    }

    @Test
    void guardVerdictsAreRecordedWithTheirPlacesAndMemoryByItsIdsOnly() {
        GuardProperties redactingPii = Settings.bind("cairn.guard", GuardProperties.class, Map.of(
                "cairn.guard.policy.pii.action", "redact"));
        Guard guard = new Guard(new GuardPolicies(redactingPii));
        ObjectNode request = json("""
                {"model":"fast","messages":[{"role":"user","content":"Mail me at bob@example.org please"}]}""");
        InputScreening screening = new InputGuard(guard).screen("ws_audit", request.get("messages"));
        OutputScreen output = new OutputGuard(guard, redactingPii).open("ws_audit", screening, false);
        String answer = "Sure, or write to ops@example.org";
        output.screen(OutputScreen.Part.content(0), answer);
        Recollection recollection = new Recollection("ws_audit", "thr-1", "Mail me", "Memory recalled by Cairn ...",
                List.of("mem_a", "mem_b"), 42, "ab12");
        Trail trail = Trail.start("chat.completions", CLIENT).read(request, false, null).screened(screening).routed(ROUTE)
                .recalled(recollection).guarded(output).called(ROUTE, List.of(), List.of(), 0, whole(answer));

        exchangeAudit.record(trail);

        JsonNode data = audit.entry(trail.requestId()).get("data");
        String user = "Mail me at bob@example.org please";
        assertThat(data.get("guard")).isEqualTo(json("""
                {"v":[{"direction":"input","source":"user","message":0,"role":"user","part":-1,"scanner":"pii","category":"email","score":0.9,"action":"redact","start":%d,"end":%d},
                      {"direction":"output","choice":0,"field":"content","scanner":"pii","category":"email","score":0.9,
                       "action":"redact","start":%d,"end":%d}]}""".formatted(user.indexOf("bob"), user.indexOf(" please"),
                answer.indexOf("ops"), answer.length())).get("v"));
        assertThat(data.get("memory")).isEqualTo(json("""
                {"thread_id":"thr-1","injected":["mem_a","mem_b"],"injected_tokens":42,"injected_sha256":"ab12"}"""));
        assertThat(data.toString()).doesNotContain("bob@", "ops@", "Memory recalled");
    }

    @Test
    void aCallOfCairnsOwnIsRecordedUnderItsTypeWithWhatItAdds() {
        ObjectNode purpose = json("{\"purpose\":\"fact extraction\",\"thread_id\":\"thr-9\"}");
        Caller own = new Caller(PRINCIPAL, TRACE, new ClientPeer("127.0.0.1", List.of()), "memory.extraction", purpose);
        Trail trail = calledTrail(own, whole("{\"add\":[],\"retire\":[]}"));

        exchangeAudit.record(trail);

        JsonNode entry = audit.entry(trail.requestId());
        assertThat(entry.get("type").asString()).isEqualTo("memory.extraction");
        assertThat(entry.get("data").get("purpose").asString()).isEqualTo("fact extraction");
        assertThat(entry.get("data").get("thread_id").asString()).isEqualTo("thr-9");
        assertThat(entry.get("data").get("status").asInt()).as("and everything a client's call has").isEqualTo(200);
    }

    @Test
    void anAnswerThatCannotBeRecordedExactlyBecomesA502RecordedWithoutIt() {
        Trail trail = calledTrail(CLIENT, whole("half a pair \ud800 here"));

        Trail recorded = exchangeAudit.record(trail);

        assertThat(recorded.status()).isEqualTo(502);
        assertThat(recorded.answer()).as("the answer is withheld, its usage kept").isEqualTo(new Answer.Withheld(new Usage(11, 3)));
        assertThat(recorded.failure().error().code()).isEqualTo("upstream_failed");
        assertThat(recorded.failure().error().message())
                .startsWith("Provider 'cairn' failed: its answer cannot be recorded exactly in the audit log: a string contains a lone UTF-16 surrogate")
                .endsWith("(at choices[0].message.content)");
        JsonNode data = audit.entry(trail.requestId()).get("data");
        assertThat(data.get("status").asInt()).isEqualTo(502);
        assertThat(data.get("error").get("code").asString()).isEqualTo("upstream_failed");
        assertThat(data.get("response").isEmpty()).isTrue();
        assertThat(data.get("usage").get("total_tokens").asLong()).as("the upstream did the work of an answer withheld").isEqualTo(14);
        JsonNode personal = audit.personal(trail.requestId());
        assertThat(personal.has("choices")).isFalse();
        assertThat(personal.get("messages")).as("the request is still recorded").isEqualTo(chatRequest().get("messages"));

        ObjectNode badId = (ObjectNode) ((Answer.Whole) whole("fine")).result().tree();
        badId.put("id", "chatcmpl-\udc00");
        Trail withBadId = calledTrail(CLIENT, new Answer.Whole(new ProviderResult(new byte[0], new Usage(1, 1), badId)));
        assertThat(exchangeAudit.record(withBadId).failure().error().message()).endsWith("(at id)");
    }

    @Test
    void aLogThatIsOffRecordsNothingAndLeavesTheTrailAsItIs() {
        AuditProperties off = Settings.bind("cairn.audit", AuditProperties.class, Map.of("cairn.audit.enabled", "false"));
        // No sequencer, keys or master key: recording anything at all would fail.
        ExchangeAudit disabled = new ExchangeAudit(new AuditLog(null, null, null, off));
        Trail trail = calledTrail(CLIENT, whole("lone \ud800"));

        assertThat(disabled.enabled()).isFalse();
        assertThat(disabled.record(trail)).as("not even checked: an unrecorded answer needs no exact record").isSameAs(trail);
    }
}
