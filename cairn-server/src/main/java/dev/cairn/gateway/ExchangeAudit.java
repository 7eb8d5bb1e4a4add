package dev.cairn.gateway;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import dev.cairn.audit.AuditEvent;
import dev.cairn.audit.AuditException;
import dev.cairn.audit.AuditLog;
import dev.cairn.guard.OutputScreen;
import dev.cairn.guard.Verdict;
import dev.cairn.platform.RecordableJson;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The pipeline's audit step: one gateway exchange becomes one audit entry. What the client asked
 * and got back about a person (messages, input, answers, tool calls, the end-user id) goes into the
 * sealed part; parameters, routing, usage, status and timing stay readable.
 */
@Component
class ExchangeAudit {

    private static final Logger log = LoggerFactory.getLogger(ExchangeAudit.class);
    static final String SUBJECT_HEADER = "Cairn-Subject";
    /** Request fields that carry personal content; every other field is a parameter. */
    private static final Set<String> PERSONAL_FIELDS = Set.of("messages", "input", "user", "prompt");

    private final AuditLog audit;

    ExchangeAudit(AuditLog audit) {
        this.audit = audit;
    }

    boolean enabled() {
        return audit.enabled();
    }

    /** Takes what the entry needs from the request, before the body is rewritten for the upstream. */
    void capture(Exchange exchange, HttpServletRequest request, ObjectNode body) {
        String header = request.getHeader(SUBJECT_HEADER);
        JsonNode user = body.get("user");
        exchange.subject = header != null && !header.isBlank() ? header.strip()
                : user != null && user.isString() && !user.asString().isBlank() ? user.asString() : null;
        if (!audit.enabled()) {
            return;
        }
        ObjectNode parameters = JsonNodeFactory.instance.objectNode();
        ObjectNode content = JsonNodeFactory.instance.objectNode();
        for (var field : body.properties()) {
            // The pipeline replaces "model" (the old value node stays as it was) and changes
            // stream_options in place, so only that one is copied.
            JsonNode value = field.getKey().equals("stream_options") ? field.getValue().deepCopy() : field.getValue();
            (PERSONAL_FIELDS.contains(field.getKey()) ? content : parameters).set(field.getKey(), value);
        }
        exchange.requestParameters = parameters;
        exchange.requestContent = content;
    }

    /**
     * Records the exchange once. With sync durability this returns only after the entry is
     * committed, and throws {@link AuditException} when it cannot be, so the answer is withheld.
     */
    void record(Exchange exchange) {
        if (exchange.audited || !audit.enabled()) {
            return;
        }
        AuditEvent event = event(exchange);
        RecordableJson.Fault fault = unrecordableAnswer(event);
        if (fault != null) {
            // Withheld like any broken answer; the failure is then recorded without it.
            exchange.dropAnswer();
            throw GatewayException.upstreamFailed(exchange.target.provider().name(),
                    "its answer cannot be recorded exactly in the audit log: "
                            + Character.toLowerCase(fault.reason().charAt(0)) + fault.reason().substring(1)
                            + (fault.path().isEmpty() ? "" : " (at " + fault.path() + ")"));
        }
        exchange.audited = true;
        audit.record(event);
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

    /** Records an exchange nobody is waiting for (the client left); failures are only logged. */
    void recordQuietly(Exchange exchange) {
        try {
            record(exchange);
        } catch (RuntimeException e) {
            log.error("Could not record request {} in the audit log", exchange.requestId, e);
        }
    }

    private static AuditEvent event(Exchange exchange) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("route", exchange.route);
        Route target = exchange.target;
        if (target != null) {
            data.put("model", target.requestedModel());
            data.put("provider", target.provider().name());
            data.put("upstream_model", target.upstreamModel());
        } else if (exchange.requestParameters != null && exchange.requestParameters.has("model")) {
            data.set("model", exchange.requestParameters.get("model"));
        }
        data.put("stream", exchange.stream);
        data.put("status", exchange.status);
        if (exchange.errorCode != null) {
            ObjectNode error = data.putObject("error");
            error.put("code", exchange.errorCode);
            error.put("message", exchange.errorMessage);
        }
        // Whole microseconds: exact, and integers cost nothing to canonicalise.
        data.put("latency_us", (System.nanoTime() - exchange.startNanos) / 1000);
        data.put("upstream_latency_us", exchange.upstreamNanos / 1000);
        exchange.usage.putInto(data);
        if (exchange.requestParameters != null) {
            data.set("request", exchange.requestParameters);
        }
        List<OutputScreen.Located> outputVerdicts = exchange.output == null ? List.of() : exchange.output.verdicts();
        if (!exchange.guard.verdicts().isEmpty() || !outputVerdicts.isEmpty()) {
            // Every verdict, with its span in the message or answer it was found in: which text was
            // flagged, redacted or blocked can be seen in the sealed content by whoever may unseal it.
            ArrayNode verdicts = data.putArray("guard");
            exchange.guard.verdicts().forEach(v -> putVerdict(verdicts.addObject().put("direction", "input"), v));
            outputVerdicts.forEach(located -> putVerdict(verdicts.addObject().put("direction", "output")
                    .put("choice", located.part().choice()).put("field", located.part().path()), located.verdict()));
        }
        if (exchange.memory.hasThread()) {
            // Ids only: what the answer was given can be looked up, and erased, in memory itself.
            ObjectNode memory = data.putObject("memory");
            memory.put("thread_id", exchange.memory.threadId());
            ArrayNode injected = memory.putArray("injected");
            exchange.memory.injectedIds().forEach(injected::add);
            memory.put("injected_tokens", exchange.memory.injectedTokens());
            memory.put("injected_sha256", exchange.memory.injectedSha256());
        }

        // A copy of the top level: the answer's choices join it here, and a second event of the same
        // exchange (its failure, after this one was refused) must start from the request alone.
        ObjectNode personal = JsonNodeFactory.instance.objectNode();
        if (exchange.requestContent != null) {
            personal.setAll(exchange.requestContent);
        }
        ObjectNode response = data.putObject("response");
        if (exchange.transcript != null) {
            response.put("id", exchange.transcript.id());
            response.put("model", exchange.transcript.model());
            response.put("system_fingerprint", exchange.transcript.systemFingerprint());
            ArrayNode reasons = response.putArray("finish_reasons");
            exchange.transcript.finishReasons().forEach(reasons::add);
            personal.set("choices", exchange.transcript.choices());
        } else if (exchange.responseBody != null) {
            answer(exchange, response, personal);
        }
        return new AuditEvent("gateway." + exchange.route, exchange.requestId, Instant.now(),
                exchange.principal.workspace(), exchange.principal.keyId(), exchange.trace.traceId(),
                exchange.subject, data, personal.isEmpty() ? null : personal);
    }

    /** Splits a non-streamed answer: its identity and finish reasons are data, its content personal. */
    private static void answer(Exchange exchange, ObjectNode response, ObjectNode personal) {
        JsonNode body = exchange.responseTree();
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

    private static void putVerdict(ObjectNode into, Verdict v) {
        into.put("scanner", v.finding().scanner()).put("category", v.finding().category())
                .put("score", v.finding().score()).put("action", v.action().wireName())
                .put("start", v.finding().span().start()).put("end", v.finding().span().end());
    }
}
