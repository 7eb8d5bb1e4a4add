package dev.cairn.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** Clients choose model names, so the model label must stay bounded whatever they send. */
class GatewayMetricsTest {

    @Test
    void modelLabelsStopGrowingAtTheCap() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        GatewayMetrics metrics = new GatewayMetrics(registry);
        for (int i = 0; i < GatewayMetrics.MAX_MODELS + 50; i++) {
            metrics.request("chat.completions", "openrouter/invented-" + i, 200, 1_000_000);
            metrics.tokens("openrouter/invented-" + i, 3, 4);
        }
        long labels = registry.find("cairn.requests").counters().stream().map(c -> c.getId().getTag("model")).distinct().count();
        assertThat(labels).isEqualTo(GatewayMetrics.MAX_MODELS + 1);
        assertThat(registry.find("cairn.requests").tag("model", GatewayMetrics.OTHER_MODEL).counter().count()).isEqualTo(50);
        assertThat(registry.find("cairn.tokens").tag("model", "openrouter/invented-0").tag("type", "prompt").counter().count()).isEqualTo(3);
    }
}
