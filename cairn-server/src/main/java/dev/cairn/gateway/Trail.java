package dev.cairn.gateway;

import java.util.List;

import dev.cairn.gateway.routing.RouteAttempt;
import dev.cairn.guard.InputScreening;
import dev.cairn.guard.OutputScreen;
import dev.cairn.limits.Admission;
import dev.cairn.memory.Recollection;
import dev.cairn.platform.ApiError;
import dev.cairn.platform.CairnException;
import dev.cairn.platform.Ids;
import tools.jackson.databind.node.ObjectNode;

/**
 * What one gateway call came to, step by step: each step's result is added by a new trail, never
 * by changing one, and the pipeline's last step records the whole of it once (audit log, usage
 * ledger, metrics, limits). Fields a call did not reach stay at their empty value.
 *
 * @param route        {@code chat.completions} or {@code embeddings}
 * @param requestId    sent back as {@code Cairn-Request-Id}; names the request's audit entry
 * @param request      the body as the client sent it; null when it could not be read
 * @param stream       whether the answer was asked for as a stream
 * @param subject      whose content this is: {@code Cairn-Subject}, else {@code user}; null for the workspace
 * @param target       the deployment that answered, else the last one tried; before the call, the
 *                     deployment a name routes to directly (null for a group, whose deployment is not chosen yet)
 * @param attempts     every call to a deployment, in order, with what routing did next
 * @param skipped      fallbacks left out (not allowed for the key, or no longer configured)
 * @param output       the answer's guard; null when the workspace's policy leaves answers alone
 * @param answer       what the upstream answered; null when it did not
 * @param failure      why the call failed; null while it has not
 * @param bestOf       the candidates' scores and the one chosen, for {@code Cairn-Best-Of}; null otherwise
 */
record Trail(String route, Caller caller, String requestId, long startNanos, ObjectNode request, boolean stream,
             String subject, InputScreening screening, Route target, Admission admission, Recollection recollection,
             OutputScreen output, List<RouteAttempt> attempts, List<String> skipped, long upstreamNanos, Answer answer,
             Failure failure, BestOf.Picked bestOf) {

    /** Recorded as nginx's 499 "client closed request": nobody was left to answer. */
    static final ApiError CLIENT_GONE = new ApiError(499, null, "client_disconnected", null, null);

    /**
     * A failure: what the client is told and the exception that says it (rethrown at the edge).
     * Unexpected exceptions are told as {@link ApiError#INTERNAL}.
     */
    record Failure(ApiError error, RuntimeException cause) {

        static Failure of(RuntimeException e) {
            return new Failure(e instanceof CairnException cairn ? cairn.error() : ApiError.INTERNAL, e);
        }
    }

    static Trail start(String route, Caller caller) {
        return new Trail(route, caller, Ids.newId("req"), System.nanoTime(), null, false, null, InputScreening.NONE, null,
                Admission.NONE, Recollection.NONE, null, List.of(), List.of(), 0, null, null, null);
    }

    Trail read(ObjectNode request, boolean stream, String subject) {
        return new Trail(route, caller, requestId, startNanos, request, stream, subject, screening, target, admission,
                recollection, output, attempts, skipped, upstreamNanos, answer, failure, bestOf);
    }

    Trail screened(InputScreening screening) {
        return new Trail(route, caller, requestId, startNanos, request, stream, subject, screening, target, admission,
                recollection, output, attempts, skipped, upstreamNanos, answer, failure, bestOf);
    }

    Trail routed(Route target) {
        return new Trail(route, caller, requestId, startNanos, request, stream, subject, screening, target, admission,
                recollection, output, attempts, skipped, upstreamNanos, answer, failure, bestOf);
    }

    Trail admitted(Admission admission) {
        return new Trail(route, caller, requestId, startNanos, request, stream, subject, screening, target, admission,
                recollection, output, attempts, skipped, upstreamNanos, answer, failure, bestOf);
    }

    Trail recalled(Recollection recollection) {
        return new Trail(route, caller, requestId, startNanos, request, stream, subject, screening, target, admission,
                recollection, output, attempts, skipped, upstreamNanos, answer, failure, bestOf);
    }

    Trail guarded(OutputScreen output) {
        return new Trail(route, caller, requestId, startNanos, request, stream, subject, screening, target, admission,
                recollection, output, attempts, skipped, upstreamNanos, answer, failure, bestOf);
    }

    Trail called(Route target, List<RouteAttempt> attempts, List<String> skipped, long upstreamNanos, Answer answer) {
        return new Trail(route, caller, requestId, startNanos, request, stream, subject, screening, target, admission,
                recollection, output, attempts, skipped, upstreamNanos, answer, failure, bestOf);
    }

    Trail picked(BestOf.Picked bestOf) {
        return new Trail(route, caller, requestId, startNanos, request, stream, subject, screening, target, admission,
                recollection, output, attempts, skipped, upstreamNanos, answer, failure, bestOf);
    }

    Trail failed(RuntimeException e) {
        return failed(Failure.of(e));
    }

    Trail failed(Failure failure) {
        return new Trail(route, caller, requestId, startNanos, request, stream, subject, screening, target, admission,
                recollection, output, attempts, skipped, upstreamNanos, answer, failure, bestOf);
    }

    /** The client left before the end: nobody is told, and the record says so. */
    Trail clientGone() {
        return failed(new Failure(CLIENT_GONE, null));
    }

    /** Without the answer, which will not be given: a failure's audit entry holds none of it, its usage stays. */
    Trail withoutAnswer() {
        return called(target, attempts, skipped, upstreamNanos, answer == null ? null : new Answer.Withheld(answer.usage()));
    }

    int status() {
        return failure == null ? 200 : failure.error().status();
    }

    boolean succeeded() {
        return failure == null;
    }

    Usage usage() {
        return answer == null ? Usage.NONE : answer.usage();
    }
}
