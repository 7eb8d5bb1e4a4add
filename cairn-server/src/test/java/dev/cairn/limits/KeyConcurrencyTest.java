package dev.cairn.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Map;

import dev.cairn.access.Principal;
import dev.cairn.access.Role;
import dev.cairn.support.Settings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** A key's slots: taken up to its bound, refused beyond it, given back once per slot, and counted per key. */
class KeyConcurrencyTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final KeyConcurrency concurrency = new KeyConcurrency(new LimitRules(Settings.bind("cairn.limits", LimitsProperties.class,
            Map.of("cairn.limits.defaults.key.max-concurrent-requests", "2",
                    "cairn.limits.workspaces.free.key.max-concurrent-requests", "0")), null), new LimitMetrics(registry));

    private static Principal key(String id, String workspace) {
        return new Principal(id, workspace, Role.USER, List.of());
    }

    @Test
    void aKeyGetsItsBoundOfSlotsAndA429WithRetryAfterBeyondIt() {
        KeyConcurrency.Slot first = concurrency.enter(key("key_a", "ws"));
        KeyConcurrency.Slot second = concurrency.enter(key("key_a", "ws"));
        LimitException refused = catchThrowableOfType(LimitException.class, () -> concurrency.enter(key("key_a", "ws")));
        assertThat(refused.error().status()).isEqualTo(429);
        assertThat(refused.error().code()).isEqualTo("concurrency_limit_exceeded");
        assertThat(refused.error().message()).contains("key_a").contains("2 requests in flight");
        assertThat(refused.headers()).containsEntry("Retry-After", "1");
        assertThat(registry.get("cairn.limits.rejections").tag("limit", "concurrency").counter().count()).isEqualTo(1);

        concurrency.enter(key("key_b", "ws")).close();

        first.close();
        first.close();
        assertThat(concurrency.inFlight("key_a")).as("a slot is given back once, however often closed").isEqualTo(1);
        KeyConcurrency.Slot third = concurrency.enter(key("key_a", "ws"));
        second.close();
        third.close();
        assertThat(concurrency.inFlight("key_a")).isZero();
    }

    @Test
    void aBoundOfZeroHoldsNoSlots() {
        for (int i = 0; i < 10; i++) {
            assertThat(concurrency.enter(key("key_free", "free"))).isSameAs(KeyConcurrency.Slot.NONE);
        }
        assertThat(concurrency.inFlight("key_free")).isZero();
    }
}
