package dev.cairn.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import dev.cairn.support.Faults;
import org.junit.jupiter.api.Test;

/** How a group chooses its deployment: by weight, by priority, and by tier. */
class RoutingStrategyTest extends RoutingServerTest {

    @Test
    void weightedRandomRoughlyFollowsTheWeights() {
        OpenAIClient client = openAi(createKey("weighted-ws"));
        int toA = 0;
        for (int i = 0; i < 200; i++) {
            if (header(complete(client, "weighted"), "Cairn-Route").equals("a/weighted")) {
                toA++;
            }
        }
        // Weights 3:1, so 150 expected; the standard deviation is about 6, and these bounds are 5 of them.
        assertThat(toA).isBetween(120, 180);
        assertThat(A.received()).hasSize(toA);
        assertThat(B.received()).hasSize(200 - toA);
    }

    @Test
    void priorityAlwaysPicksTheFirst() {
        OpenAIClient client = openAi(createKey("prio-ws"));
        for (int i = 0; i < 20; i++) {
            assertThat(header(complete(client, "prio"), "Cairn-Route")).isEqualTo("a/prio");
        }
        assertThat(B.received()).isEmpty();
    }

    @Test
    void theSecondTierIsUsedOnlyWhileTheFirstIsUnavailable() {
        OpenAIClient client = openAi(createKey("tiered-ws"));
        for (int i = 0; i < 10; i++) {
            assertThat(header(complete(client, "tiered"), "Cairn-Route")).isEqualTo("a/tiered");
        }
        // A failure of tier 1's only deployment moves that request to tier 2; the next is back on tier 1.
        A.handler(Faults.times(1, Faults.unavailable()));
        assertThat(header(complete(client, "tiered"), "Cairn-Route")).isEqualTo("b/tiered");
        assertThat(header(complete(client, "tiered"), "Cairn-Route")).isEqualTo("a/tiered");
        B.reset();

        // Tier 1 asks to be left alone: tier 2 answers until it may be called again.
        A.handler(Faults.times(1, Faults.rateLimitedMillis(800)));
        for (int i = 0; i < 3; i++) {
            assertThat(header(complete(client, "tiered"), "Cairn-Route")).isEqualTo("b/tiered");
        }
        await(java.time.Duration.ofSeconds(3), "tier 1 back in use",
                () -> header(complete(client, "tiered"), "Cairn-Route").equals("a/tiered"));
    }
}
