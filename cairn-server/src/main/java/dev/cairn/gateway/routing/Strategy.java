package dev.cairn.gateway.routing;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** How a group chooses among the deployments of its best available tier. */
public enum Strategy {

    /** At random, in proportion to their weights: the default. */
    WEIGHTED {
        @Override
        Deployment choose(List<Deployment> candidates) {
            long total = 0;
            for (Deployment d : candidates) {
                total += d.weight();
            }
            long point = ThreadLocalRandom.current().nextLong(total);
            for (Deployment d : candidates) {
                point -= d.weight();
                if (point < 0) {
                    return d;
                }
            }
            return candidates.getLast();
        }
    },

    /** The one with the fewest calls in flight from this process; ties at random. */
    LEAST_IN_FLIGHT {
        @Override
        Deployment choose(List<Deployment> candidates) {
            return lowest(candidates, d -> d.state().inFlight());
        }
    },

    /**
     * The one with the lowest moving average of latency (a stream's time to its first event); one
     * with no calls yet counts as fastest, so that every deployment gets measured.
     */
    LOWEST_LATENCY {
        @Override
        Deployment choose(List<Deployment> candidates) {
            return lowest(candidates, d -> d.state().averageLatencyNanos());
        }
    },

    /** The first in the order listed. */
    PRIORITY {
        @Override
        Deployment choose(List<Deployment> candidates) {
            return candidates.getFirst();
        }
    };

    /** One of {@code candidates}, which is never empty and keeps the group's order. */
    abstract Deployment choose(List<Deployment> candidates);

    private static Deployment lowest(List<Deployment> candidates, java.util.function.ToDoubleFunction<Deployment> measure) {
        Deployment best = null;
        double bestValue = Double.MAX_VALUE;
        int ties = 0;
        for (Deployment d : candidates) {
            double value = measure.applyAsDouble(d);
            if (value < bestValue) {
                best = d;
                bestValue = value;
                ties = 1;
            } else if (value == bestValue && ThreadLocalRandom.current().nextInt(++ties) == 0) {
                // Reservoir sampling: each tied deployment is chosen with equal chance.
                best = d;
            }
        }
        return best;
    }
}
