package dev.cairn.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import dev.cairn.support.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** cairn.limits is checked when bound; the limits themselves are LimitRulesTest's. */
class LimitsPropertiesTest {

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            cairn.limits.budget-refresh | 0s | cairn.limits.budget-refresh must be longer than 0, not 0s
            cairn.limits.budget-refresh | -5s | cairn.limits.budget-refresh must be longer than 0, not -5s
            cairn.limits.redis-prefix | ' ' | cairn.limits.redis-prefix must not be empty
            cairn.limits.store | cloud | cairn.limits.store
            """)
    void badValuesAreRefusedNamingTheKeyAndTheReason(String key, String value, String message) {
        Settings.assertRefused("cairn.limits", LimitsProperties.class, Settings.of(key, value), message);
    }

    @Test
    void defaultsBind() {
        LimitsProperties limits = Settings.bind("cairn.limits", LimitsProperties.class, Map.of());
        assertThat(limits.store()).isEqualTo(LimitsProperties.Store.AUTO);
        assertThat(limits.onRedisFailure()).isEqualTo(LimitsProperties.RedisFailure.FAIL_OPEN);
        assertThat(limits.budgetRefresh().toSeconds()).isEqualTo(5);
    }
}
