package dev.cairn.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

import dev.cairn.support.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** cairn.port, cairn.data-dir and cairn.gateway.max-body-size are checked when bound, so a bad one stops the start. */
class PlatformPropertiesTest {

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            cairn.port | -1 | cairn.port must be a TCP port from 0 to 65535, not -1
            cairn.port | 70000 | cairn.port must be a TCP port from 0 to 65535, not 70000
            cairn.gateway.max-body-size | 0KB | cairn.gateway.max-body-size must be larger than 0, not 0B
            cairn.gateway.max-body-size | -1MB | cairn.gateway.max-body-size must be larger than 0
            """)
    void badValuesAreRefusedNamingTheKeyAndTheReason(String key, String value, String message) {
        Settings.assertRefused("cairn", PlatformProperties.class, Settings.of(key, value), message);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            cairn.db.pool-size | 0 | cairn.db.pool-size must be 1 or more, not 0
            cairn.db.sqlite-synchronous | OFF | cairn.db.sqlite-synchronous must be FULL, NORMAL or EXTRA, not 'OFF'
            cairn.redis.timeout | 0ms | cairn.redis.timeout must be longer than 0, not 0s
            cairn.redis.timeout | -1s | cairn.redis.timeout must be longer than 0, not -1s
            """)
    void badDatabaseAndRedisValuesAreRefused(String key, String value, String message) {
        String prefix = key.substring(0, key.lastIndexOf('.'));
        Class<?> record = prefix.equals("cairn.db") ? DatabaseProperties.class : RedisProperties.class;
        Settings.assertRefused(prefix, record, Settings.of(key, value), message);
    }

    @Test
    void defaultsBind() {
        PlatformProperties platform = Settings.bind("cairn", PlatformProperties.class, Map.of());
        assertThat(platform.port()).isEqualTo(8080);
        assertThat(platform.dataDir().getFileName()).isEqualTo(Path.of("data"));
        assertThat(platform.gateway().maxBodySize().toMegabytes()).isEqualTo(4);
        assertThat(platform.metrics().isPublic()).isFalse();
        assertThat(Settings.bind("cairn.db", DatabaseProperties.class, Map.of("cairn.db.sqlite-synchronous", " normal ")).sqliteSynchronous())
                .isEqualTo("NORMAL");
        assertThat(Settings.bind("cairn.redis", RedisProperties.class, Map.of()).timeout().toMillis()).isEqualTo(500);
    }
}
