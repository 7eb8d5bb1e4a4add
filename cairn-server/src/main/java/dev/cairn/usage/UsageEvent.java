package dev.cairn.usage;

import java.time.Instant;

/**
 * One request in the usage ledger: who, which model, how many tokens, what it cost (in
 * nano-dollars, so sums stay exact), how long it took and how it ended.
 */
public record UsageEvent(Instant at,
                         String keyId,
                         String workspace,
                         String route,
                         String model,
                         String provider,
                         int status,
                         String errorCode,
                         boolean stream,
                         long promptTokens,
                         long completionTokens,
                         long costNanoUsd,
                         double latencyMs,
                         double upstreamLatencyMs,
                         String traceId) {
}
