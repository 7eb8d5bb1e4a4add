package dev.cairn.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import dev.cairn.support.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * cairn.bootstrap-admin-key is checked when bound, and the message does not repeat the secret;
 * cairn.cors.allowed-origins holds only origins, no wildcard or path.
 */
class AccessPropertiesTest {

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            cairn.bootstrap-admin-key | sk-not-cairn | cairn.bootstrap-admin-key must be 'ck_' followed by 32 to 128 characters of [A-Za-z0-9_-]
            cairn.bootstrap-admin-key | ck_short | cairn.bootstrap-admin-key must be 'ck_'
            cairn.cors.allowed-origins | * | cairn.cors.allowed-origins must hold origins such as 'https://app.example.com'
            cairn.cors.allowed-origins | https://app.example.com/ | cairn.cors.allowed-origins must hold origins
            cairn.cors.allowed-origins | ftp://app.example.com | cairn.cors.allowed-origins must hold origins
            cairn.cors.allowed-origins | app.example.com | cairn.cors.allowed-origins must hold origins
            """)
    void badValuesAreRefusedNamingTheKeyAndTheReason(String key, String value, String message) {
        Settings.assertRefused("cairn", AccessProperties.class, Settings.of(key, value), message);
    }

    @Test
    void defaultsBind() {
        assertThat(Settings.bind("cairn", AccessProperties.class, Map.of()).bootstrapAdminKey()).isNull();
        assertThat(Settings.bind("cairn", AccessProperties.class, Map.of()).cors().allowedOrigins()).isEmpty();
        assertThat(Settings.bind("cairn", AccessProperties.class, Map.of("cairn.cors.allowed-origins", "https://App.example.com:8443"))
                .cors().allows("https://app.example.COM:8443")).isTrue();
        String key = "ck_" + "a".repeat(43);
        assertThat(Settings.bind("cairn", AccessProperties.class, Map.of("cairn.bootstrap-admin-key", key)).bootstrapAdminKey())
                .isEqualTo(key);
    }
}
