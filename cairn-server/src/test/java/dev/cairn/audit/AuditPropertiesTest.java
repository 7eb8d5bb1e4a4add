package dev.cairn.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import dev.cairn.support.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** cairn.audit is checked when bound; the legal minimum of the hot period is AuditRetentionTest's. */
class AuditPropertiesTest {

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            cairn.audit.checkpoint-interval | 0s | cairn.audit.checkpoint-interval must be longer than 0, not 0s
            cairn.audit.max-batch | 0 | cairn.audit.max-batch must be 1 or more, not 0
            cairn.audit.retention.hot-period | -1d | cairn.audit.retention.hot-period must be longer than 0, not -1d
            cairn.audit.retention.interval | 0m | cairn.audit.retention.interval must be longer than 0, not 0s
            cairn.audit.durability | later | cairn.audit.durability
            cairn.audit.read-access | everyone | cairn.audit.read-access
            """)
    void badValuesAreRefusedNamingTheKeyAndTheReason(String key, String value, String message) {
        Settings.assertRefused("cairn.audit", AuditProperties.class, Settings.of(key, value), message);
    }

    @Test
    void defaultsBind() {
        AuditProperties audit = Settings.bind("cairn.audit", AuditProperties.class, Map.of());
        assertThat(audit.durability()).isEqualTo(AuditProperties.Durability.SYNC);
        assertThat(audit.readAccess()).isEqualTo(AuditProperties.ReadAccess.AUDITOR);
        assertThat(audit.retention().hotPeriod().toDays()).isEqualTo(400);
    }
}
