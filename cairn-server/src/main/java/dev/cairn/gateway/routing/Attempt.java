package dev.cairn.gateway.routing;

import dev.cairn.gateway.UpstreamCall;
import dev.cairn.gateway.Usage;

/**
 * One call to one deployment, as the pipeline makes it: a whole answer or a stream, with the
 * request's body built for that deployment's model.
 */
@FunctionalInterface
public interface Attempt<T extends Attempt.Outcome> {

    /** Calls {@code deployment} within {@code call}'s deadlines; {@code number} counts this request's attempts from 1. */
    T call(Deployment deployment, UpstreamCall call, int number);

    /** What one call came to, as routing reads it. */
    interface Outcome {

        /** Why it failed; null when it answered. */
        RuntimeException failure();

        /** Whether the client already has part of this answer, so no other deployment can take over. */
        boolean committed();

        /** How long the upstream took: to the whole answer, or to a stream's first event. */
        long latencyNanos();

        /** The tokens it cost, answered or not. */
        Usage usage();

        /** Whether the upstream answered but its content filter stopped every choice. */
        boolean refused();
    }
}
