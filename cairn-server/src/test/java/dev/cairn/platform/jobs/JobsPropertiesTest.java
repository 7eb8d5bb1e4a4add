package dev.cairn.platform.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import dev.cairn.support.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** cairn.jobs is checked when bound, so a bad value stops the start. */
class JobsPropertiesTest {

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            cairn.jobs.workers | -1 | cairn.jobs.workers must be 0 or more, not -1
            cairn.jobs.max-attempts | 0 | cairn.jobs.max-attempts must be 1 or more, not 0
            cairn.jobs.poll-interval | 0ms | cairn.jobs.poll-interval must be at least 1ms
            cairn.jobs.backoff | -1s | cairn.jobs.backoff must be at least 1ms
            cairn.jobs.lease | 0s | cairn.jobs.lease must be at least 1ms
            cairn.jobs.max-backoff | 500ms | cairn.jobs.max-backoff (PT0.5S) must not be shorter than cairn.jobs.backoff (PT1S)
            cairn.jobs.shutdown-timeout | -1s | cairn.jobs.shutdown-timeout must not be negative
            """)
    void badValuesAreRefusedNamingTheKeyAndTheReason(String key, String value, String message) {
        Settings.assertRefused("cairn.jobs", JobsProperties.class, Settings.of(key, value), message);
    }

    @Test
    void defaultsBind() {
        JobsProperties jobs = Settings.bind("cairn.jobs", JobsProperties.class, Map.of());
        assertThat(jobs.workers()).isEqualTo(1);
        assertThat(jobs.maxAttempts()).isEqualTo(8);
        assertThat(jobs.schedulesEnabled()).isTrue();
        assertThat(Settings.bind("cairn.jobs", JobsProperties.class, Map.of("cairn.jobs.schedules-enabled", "false")).schedulesEnabled()).isFalse();
        assertThat(Settings.bind("cairn.jobs", JobsProperties.class, Map.of("cairn.jobs.shutdown-timeout", "0s")).shutdownTimeout()).isZero();
    }
}
