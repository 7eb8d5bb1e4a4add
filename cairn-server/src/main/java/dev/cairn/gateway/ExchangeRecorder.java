package dev.cairn.gateway;

import java.time.Instant;

import dev.cairn.platform.GatewayMetrics;
import dev.cairn.usage.PriceTable;
import dev.cairn.usage.UsageEvent;
import dev.cairn.usage.UsageLedger;
import org.springframework.stereotype.Component;

/** The pipeline's last step: one finished exchange becomes a usage-ledger event and metrics. */
@Component
class ExchangeRecorder {

    /** The model label for requests that never reached a known model, so labels stay bounded. */
    static final String UNROUTED = "none";

    private final UsageLedger ledger;
    private final PriceTable prices;
    private final GatewayMetrics metrics;

    ExchangeRecorder(UsageLedger ledger, PriceTable prices, GatewayMetrics metrics) {
        this.ledger = ledger;
        this.prices = prices;
        this.metrics = metrics;
    }

    void record(Exchange exchange) {
        long elapsed = System.nanoTime() - exchange.startNanos;
        Route target = exchange.target;
        String model = target == null ? UNROUTED : target.qualifiedModel();
        String provider = target == null ? null : target.provider().name();
        Usage usage = exchange.usage;
        long cost = target == null ? 0 : prices.costNanoUsd(target.requestedModel(), model,
                usage.promptTokens(), usage.completionTokens());
        ledger.record(new UsageEvent(Instant.now(), exchange.principal.keyId(), exchange.principal.workspace(),
                exchange.route, model, provider, exchange.status, exchange.errorCode, exchange.stream,
                usage.promptTokens(), usage.completionTokens(), cost, elapsed / 1e6, exchange.upstreamNanos / 1e6,
                exchange.trace.traceId()));
        metrics.request(exchange.route, model, exchange.status, elapsed);
        exchange.guard.verdicts().forEach(v -> metrics.guardVerdict("input", v.finding().scanner(), v.finding().category(),
                v.action().wireName()));
        if (exchange.output != null) {
            exchange.output.verdicts().forEach(located -> metrics.guardVerdict("output", located.verdict().finding().scanner(),
                    located.verdict().finding().category(), located.verdict().action().wireName()));
        }
        if (provider != null && exchange.upstreamNanos > 0) {
            metrics.upstream(provider, exchange.upstreamNanos);
        }
        metrics.tokens(model, usage.promptTokens(), usage.completionTokens());
    }
}
