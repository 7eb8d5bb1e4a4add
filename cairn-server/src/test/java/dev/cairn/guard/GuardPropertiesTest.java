package dev.cairn.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import dev.cairn.support.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** cairn.guard is checked when bound; scanner names, actions and thresholds are GuardPoliciesTest's. */
class GuardPropertiesTest {

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            cairn.guard.semantic-threads | 0 | cairn.guard.semantic-threads must be 1 or more, not 0
            cairn.guard.semantic-threads | -2 | cairn.guard.semantic-threads must be 1 or more, not -2
            """)
    void badValuesAreRefusedNamingTheKeyAndTheReason(String key, String value, String message) {
        Settings.assertRefused("cairn.guard", GuardProperties.class, Settings.of(key, value), message);
    }

    @Test
    void defaultsBind() {
        GuardProperties guard = Settings.bind("cairn.guard", GuardProperties.class, Map.of());
        assertThat(guard.learnedScoring()).isTrue();
        assertThat(guard.semanticScoring()).isFalse();
        assertThat(guard.policy()).isEmpty();
    }
}
