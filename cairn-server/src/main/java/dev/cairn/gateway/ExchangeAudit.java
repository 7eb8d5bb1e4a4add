package dev.cairn.gateway;

import java.time.Instant;
import java.util.List;

import dev.cairn.access.Principal;
import dev.cairn.audit.AuditEvent;
import dev.cairn.audit.AuditLog;
import dev.cairn.gateway.routing.RouteAttempt;
import dev.cairn.guard.Action;
import dev.cairn.guard.InputSource;
import dev.cairn.guard.OutputScreen;
import dev.cairn.guard.Verdict;
import dev.cairn.memory.Recollection;
import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.RecordableJson;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The pipeline's audit step: one gateway call's {@link Trail} becomes one audit entry. What the client asked
 * and got back about a person (messages, input, answers, tool calls, the end-user id) goes into the
 * sealed part; parameters, routing, usage, status and timing stay readable.
 */
@Component
class ExchangeAudit {

    private final AuditLog audit;

    ExchangeAudit(AuditLog audit) {
        this.audit = audit;
    }

    boolean enabled() {
        return audit.enabled();
    }

    /**
     * Records the call once and returns it as recorded: the same trail, or, when the upstream's
     * answer cannot be recorded exactly, the failure it becomes (withheld like any broken answer,
     * and recorded without it). With sync durability this returns only after the entry is
     * committed, and throws {@link dev.cairn.audit.AuditException} when it cannot be, so the answer
     * is withheld.
     */
    Trail record(Trail trail) {
        if (!audit.enabled()) {
            return trail;
        }
        AuditEvent event = event(trail);
        RecordableJson.Fault fault = unrecordableAnswer(event);
        if (fault != null) {
            trail = trail.withoutAnswer().failed(GatewayException.upstreamFailed(trail.target().provider().name(),
                    "its answer cannot be recorded exactly in the audit log: "
                            + Character.toLowerCase(fault.reason().charAt(0)) + fault.reason().substring(1)
                            + (fault.path().isEmpty() ? "" : " (at " + fault.path() + ")")));
            event = event(trail);
        }
        audit.record(event);
        return trail;
    }

    /**
     * The request was checked as it came in; what the entry took from the upstream's answer (its
     * identity and choices) is checked here, where it is small and already parsed.
     */
    private static RecordableJson.Fault unrecordableAnswer(AuditEvent event) {
        // Choices first: the finish reasons in "response" are copies, and a client finds the fault
        // by the path into the answer it would have got.
        JsonNode choices = event.personal() == null ? null : event.personal().get("choices");
        RecordableJson.Fault fault = choices == null ? null : RecordableJson.find(choices);
        if (fault != null) {
            return fault.under("choices");
        }
        JsonNode response = event.data().get("response");
        return response == null ? null : RecordableJson.find(response);
    }

    private static AuditEvent event(Trail trail) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("route", trail.route());
        Route target = trail.target();
        if (target != null) {
            data.put("model", target.requestedModel());
            data.put("provider", target.provider().name());
            data.put("upstream_model", target.upstreamModel());
        } else if (trail.request() != null && trail.request().has("model")) {
            data.set("model", trail.request().get("model"));
        }
        if (!trail.attempts().isEmpty() || !trail.skipped().isEmpty()) {
            putRouting(data.putObject("routing"), trail);
        }
        data.put("stream", trail.stream());
        data.put("status", trail.status());
        if (trail.failure() != null) {
            ObjectNode error = data.putObject("error");
            error.put("code", trail.failure().error().code());
            error.put("message", trail.failure().error().message());
        }
        // Whole microseconds: exact, and integers cost nothing to canonicalise.
        data.put("latency_us", (System.nanoTime() - trail.startNanos()) / 1000);
        data.put("upstream_latency_us", trail.upstreamNanos() / 1000);
        trail.usage().putInto(data);
        // The request as the client sent it: sealed unless known safe. Its content fields sit at the
        // top of the personal part; every other field not shown exactly as sent is sealed in full
        // under "request", where a reader overlays it on the parameters shown.
        ObjectNode personal = JsonNodeFactory.instance.objectNode();
        if (trail.request() != null) {
            RequestParameters.Split split = RequestParameters.split(
                    RequestParameters.api(trail.route(), trail.caller().auditData()), trail.request());
            data.set("request", split.clear());
            for (String field : RequestParameters.CONTENT_FIELDS) {
                if (trail.request().has(field)) {
                    personal.set(field, trail.request().get(field));
                }
            }
            if (!split.sealed().isEmpty()) {
                personal.set("request", split.sealed());
            }
        }
        List<OutputScreen.Located> outputVerdicts = trail.output() == null ? List.of() : trail.output().verdicts();
        if (!trail.screening().verdicts().isEmpty() || !outputVerdicts.isEmpty()) {
            // Every verdict, with its span in the message or answer it was found in: which text was
            // flagged, redacted or blocked can be seen in the sealed content by whoever may unseal it.
            ArrayNode verdicts = data.putArray("guard");
            trail.screening().verdicts().forEach(located -> putVerdict(putSource(verdicts.addObject().put("direction", "input"),
                    located.source()), located.verdict()));
            outputVerdicts.forEach(located -> putVerdict(verdicts.addObject().put("direction", "output")
                    .put("choice", located.part().choice()).put("field", located.part().path()), located.verdict()));
        }
        Recollection recollection = trail.recollection();
        if (recollection.hasThread()) {
            // Ids only: what the answer was given can be looked up, and erased, in memory itself.
            ObjectNode memory = data.putObject("memory");
            memory.put("thread_id", recollection.threadId());
            ArrayNode injected = memory.putArray("injected");
            recollection.injectedIds().forEach(injected::add);
            memory.put("injected_tokens", recollection.injectedTokens());
            memory.put("injected_sha256", recollection.injectedSha256());
        }
        if (trail.bestOf() != null) {
            // The candidates are the entry's sealed choices, in this order: a score names one by its position.
            data.set("best_of", trail.bestOf().entry());
        }
        if (trail.caller().auditData() != null) {
            data.setAll(trail.caller().auditData());
        }
        ObjectNode response = data.putObject("response");
        switch (trail.answer()) {
            case Answer.Streamed streamed when streamed.transcript() != null -> {
                StreamTranscript transcript = streamed.transcript();
                response.put("id", transcript.id());
                response.put("model", transcript.model());
                response.put("system_fingerprint", transcript.systemFingerprint());
                ArrayNode reasons = response.putArray("finish_reasons");
                transcript.finishReasons().forEach(reasons::add);
                personal.set("choices", transcript.choices());
            }
            case Answer.Whole whole -> answer(treeOf(whole.result()), response, personal);
            case null, default -> {
            }
        }
        String type = trail.caller().auditType() != null ? trail.caller().auditType() : "gateway." + trail.route();
        Principal principal = trail.caller().principal();
        // Compressed only when the caller wrote or was shown all of it: a client's own call (not
        // Cairn's, whose prompt mixes a thread's turns) whose answer the output guard neither
        // redacted nor blocked.
        boolean compressible = trail.caller().auditType() == null && outputVerdicts.stream()
                .noneMatch(located -> located.verdict().action() == Action.REDACT || located.verdict().action() == Action.BLOCK);
        return new AuditEvent(type, trail.requestId(), Instant.now(), principal.workspace(), principal.keyId(),
                trail.caller().trace().traceId(), trail.subject(), data, personal.isEmpty() ? null : personal, compressible);
    }

    /**
     * The answer's tree: the provider's, else (an OpenAI embeddings answer, which the provider
     * passes on unparsed since nothing on the request's path reads its vectors) parsed here, once.
     * Null when it is not JSON.
     */
    private static JsonNode treeOf(ProviderResult result) {
        if (result.tree() != null) {
            return result.tree();
        }
        try {
            return JsonBodies.JSON.readTree(result.body());
        } catch (JacksonException e) {
            return null;
        }
    }

    /** Splits a non-streamed answer: its identity and finish reasons are data, its content personal. */
    private static void answer(JsonNode body, ObjectNode response, ObjectNode personal) {
        if (body == null) {
            return;
        }
        for (String field : new String[] {"id", "object", "model", "system_fingerprint"}) {
            if (body.hasNonNull(field)) {
                response.set(field, body.get(field));
            }
        }
        if (body.has("choices")) {
            ArrayNode reasons = response.putArray("finish_reasons");
            body.get("choices").forEach(c -> reasons.add(c.path("finish_reason").asString(null)));
            personal.set("choices", body.get("choices"));
        }
        if (body.has("data") && body.get("data").isArray()) {
            // Embeddings: how many vectors and of what size, not the vectors.
            response.put("embeddings", body.get("data").size());
            response.put("dimensions", body.get("data").path(0).path("embedding").size());
        }
    }

    /** Every attempt, in order: where it went, what came back, and what routing did next. */
    private static void putRouting(ObjectNode routing, Trail trail) {
        ArrayNode attempts = routing.putArray("attempts");
        for (RouteAttempt attempt : trail.attempts()) {
            ObjectNode entry = attempts.addObject().put("group", attempt.group()).put("deployment", attempt.deployment())
                    .put("status", attempt.status()).put("latency_us", attempt.latencyNanos() / 1000);
            if (attempt.error() != null) {
                entry.put("error", attempt.error());
            }
            entry.put("then", attempt.then());
            if (attempt.why() != null) {
                entry.put("why", attempt.why());
            }
            attempt.usage().putInto(entry);
        }
        if (!trail.skipped().isEmpty()) {
            ArrayNode skipped = routing.putArray("skipped");
            trail.skipped().forEach(skipped::add);
        }
    }

    /**
     * Where an input verdict was found: {@code source} ({@code user}, {@code tool}, {@code document},
     * {@code memory}) and, for a message, its index, role and content part (-1: the whole content).
     */
    private static ObjectNode putSource(ObjectNode into, InputSource source) {
        into.put("source", source.kind().wireName());
        if (source.kind() != InputSource.Kind.MEMORY) {
            into.put("message", source.message()).put("role", source.role()).put("part", source.part());
        }
        return into;
    }

    private static void putVerdict(ObjectNode into, Verdict v) {
        into.put("scanner", v.finding().scanner()).put("category", v.finding().category())
                .put("score", v.finding().score()).put("action", v.action().wireName())
                .put("start", v.finding().span().start()).put("end", v.finding().span().end());
        if (!v.finding().evidence().isEmpty()) {
            // The learned scorer's span is the whole text; what weighed most is what an auditor reads.
            ArrayNode evidence = into.putArray("evidence");
            v.finding().evidence().forEach(evidence::add);
        }
    }
}
