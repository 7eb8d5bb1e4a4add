package dev.cairn.gateway;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;

import dev.cairn.gateway.routing.RouteAttempt;
import dev.cairn.platform.GatewayMetrics;
import dev.cairn.usage.UsageEvent;
import dev.cairn.usage.UsageLedger;
import org.springframework.stereotype.Component;

/**
 * The pipeline's usage step: one finished call becomes a usage-ledger event and metrics. The
 * events are handed in here; the pipeline waits for them ({@link UsageLedger#awaitWritten}) before
 * the answer ends.
 */
@Component
class ExchangeRecorder {

    /** The model label for requests that never reached a known model, so labels stay bounded. */
    static final String UNROUTED = "none";

    private final UsageLedger ledger;
    private final GatewayMetrics metrics;

    ExchangeRecorder(UsageLedger ledger, GatewayMetrics metrics) {
        this.ledger = ledger;
        this.metrics = metrics;
    }

    /** Hands in the call's usage event and counts its metrics; the future completes once the event's row is committed. */
    CompletableFuture<Void> record(Trail trail, long costNanoUsd) {
        long elapsed = System.nanoTime() - trail.startNanos();
        Route target = trail.target();
        String model = target == null ? UNROUTED : target.qualifiedModel();
        String provider = target == null ? null : target.provider().name();
        Usage usage = trail.usage();
        String errorCode = trail.failure() == null ? null : trail.failure().error().code();
        CompletableFuture<Void> written = ledger.record(new UsageEvent(Instant.now(), trail.caller().principal().keyId(),
                trail.caller().principal().workspace(), trail.route(), model, provider, trail.status(), errorCode, trail.stream(),
                usage.promptTokens(), usage.completionTokens(), costNanoUsd, elapsed / 1e6, trail.upstreamNanos() / 1e6,
                trail.caller().trace().traceId()));
        metrics.request(trail.route(), model, trail.status(), elapsed);
        trail.screening().verdicts().forEach(located -> metrics.guardVerdict("input", located.verdict().finding().scanner(),
                located.verdict().finding().category(), located.verdict().action().wireName()));
        if (trail.output() != null) {
            trail.output().verdicts().forEach(located -> metrics.guardVerdict("output", located.verdict().finding().scanner(),
                    located.verdict().finding().category(), located.verdict().action().wireName()));
        }
        if (provider != null && trail.upstreamNanos() > 0) {
            metrics.upstream(provider, trail.upstreamNanos());
        }
        metrics.tokens(model, usage.promptTokens(), usage.completionTokens());
        return written;
    }

    /** An attempt before the request's last that cost tokens: its own usage-ledger event, charged to its deployment. */
    CompletableFuture<Void> recordAttempt(Trail trail, RouteAttempt attempt, long costNanoUsd) {
        Usage usage = attempt.usage();
        String provider = attempt.deployment().substring(0, attempt.deployment().indexOf('/'));
        CompletableFuture<Void> written = ledger.record(new UsageEvent(Instant.now(), trail.caller().principal().keyId(), trail.caller().principal().workspace(),
                trail.route(), attempt.deployment(), provider, attempt.status(), attempt.error(), trail.stream(),
                usage.promptTokens(), usage.completionTokens(), costNanoUsd, attempt.latencyNanos() / 1e6,
                attempt.latencyNanos() / 1e6, trail.caller().trace().traceId()));
        metrics.tokens(attempt.deployment(), usage.promptTokens(), usage.completionTokens());
        return written;
    }
}
