package dev.cairn.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import dev.cairn.support.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** cairn.bootstrap-admin-key is checked when bound, and the message does not repeat the secret. */
class AccessPropertiesTest {

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            cairn.bootstrap-admin-key | sk-not-cairn | cairn.bootstrap-admin-key must be 'ck_' followed by 32 to 128 characters of [A-Za-z0-9_-]
            cairn.bootstrap-admin-key | ck_short | cairn.bootstrap-admin-key must be 'ck_'
            """)
    void badValuesAreRefusedNamingTheKeyAndTheReason(String key, String value, String message) {
        Settings.assertRefused("cairn", AccessProperties.class, Settings.of(key, value), message);
    }

    @Test
    void defaultsBind() {
        assertThat(Settings.bind("cairn", AccessProperties.class, Map.of()).bootstrapAdminKey()).isNull();
        String key = "ck_" + "a".repeat(43);
        assertThat(Settings.bind("cairn", AccessProperties.class, Map.of("cairn.bootstrap-admin-key", key)).bootstrapAdminKey())
                .isEqualTo(key);
    }
}
