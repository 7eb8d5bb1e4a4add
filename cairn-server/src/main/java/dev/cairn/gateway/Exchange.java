package dev.cairn.gateway;

import dev.cairn.access.Principal;
import dev.cairn.guard.InputScreening;
import dev.cairn.guard.OutputScreen;
import dev.cairn.limits.Admission;
import dev.cairn.memory.Recollection;
import dev.cairn.platform.ApiError;
import dev.cairn.platform.Ids;
import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.TraceContext;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What happened to one gateway request, filled in step by step as the pipeline runs and recorded
 * once at the end. Confined to the request's thread.
 */
final class Exchange {

    final String route;
    final Principal principal;
    final TraceContext trace;
    /** Sent back as {@code Cairn-Request-Id}; names the request's audit entry. */
    final String requestId = Ids.newId("req");
    final long startNanos = System.nanoTime();
    Route target;
    boolean stream;
    Usage usage = Usage.NONE;
    int status = 200;
    String errorCode;
    String errorMessage;
    long upstreamNanos;
    /** The input guard's verdicts on the request's messages. */
    InputScreening guard = InputScreening.NONE;
    /** The answer's guard; null when the workspace's policy leaves answers alone. */
    OutputScreen output;
    /** The thread the request named and the memory injected into its prompt. */
    Recollection memory = Recollection.NONE;
    /** What the rate limits took for the request, settled with its real usage at the end. */
    Admission admission = Admission.NONE;

    // What the audit entry needs, kept as the request and answer go by.
    /** Whose content this is: {@code Cairn-Subject}, else the request's {@code user}; null for the workspace. */
    String subject;
    /** The request's fields as the client sent them, without the personal ones. */
    ObjectNode requestParameters;
    /** The request's personal fields: messages or input, and user. */
    ObjectNode requestContent;
    /** A non-streamed answer's body. */
    byte[] responseBody;
    /** {@link #responseBody} parsed, once, for the steps that read it; see {@link #responseTree()}. */
    private JsonNode responseTree;
    private boolean responseParsed;
    /** A streamed answer, put back together. */
    StreamTranscript transcript;
    /** Whether recording in the audit log was attempted, so that it happens once. */
    boolean audited;
    /** Whether the pipeline's last steps (usage, metrics, limits) have run, so that they run once. */
    boolean finished;

    Exchange(String route, Principal principal, TraceContext trace) {
        this.route = route;
        this.principal = principal;
        this.trace = trace;
    }

    /** Takes a non-streamed answer: its body, its usage, and its parsed form when the provider had one. */
    void answered(ProviderResult result) {
        usage = result.usage();
        responseBody = result.body();
        responseTree = result.tree();
        responseParsed = result.tree() != null;
    }

    /** The non-streamed answer as the upstream sent it, parsed on first use; null when it is not JSON. */
    JsonNode responseTree() {
        if (!responseParsed) {
            responseParsed = true;
            try {
                responseTree = responseBody == null ? null : JsonBodies.JSON.readTree(responseBody);
            } catch (JacksonException e) {
                responseTree = null;
            }
        }
        return responseTree;
    }

    /** Called by a step that changed the parsed answer in place: later readers parse the original again. */
    void responseTreeChanged() {
        responseParsed = false;
        responseTree = null;
    }

    /** Forgets an answer that will not be given, so that the failure's audit entry holds none of it. */
    void dropAnswer() {
        responseBody = null;
        transcript = null;
        responseTreeChanged();
    }

    void failed(ApiError error) {
        status = error.status();
        errorCode = error.code();
        errorMessage = error.message();
    }
}
