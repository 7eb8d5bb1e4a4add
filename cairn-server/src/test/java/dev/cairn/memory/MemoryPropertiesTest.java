package dev.cairn.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import dev.cairn.support.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** cairn.memory is checked when bound, so a bad value stops the start. */
class MemoryPropertiesTest {

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            cairn.memory.embedding.provider | cloud | cairn.memory.embedding.provider must be local or remote, not 'cloud'
            cairn.memory.embedding.provider | remote | cairn.memory.embedding.base-url is required with provider remote
            cairn.memory.embedding.batch-size | 0 | cairn.memory.embedding.batch-size must be 1 or more, not 0
            cairn.memory.embedding.query-cache-bytes | -1 | cairn.memory.embedding.query-cache-bytes must be 0 or more, not -1
            cairn.memory.embedding.threads | 0 | cairn.memory.embedding.threads must be 1 or more, not 0
            cairn.memory.recall.token-budget | 0 | cairn.memory.recall.token-budget must be 1 or more, not 0
            cairn.memory.recall.top-k | 0 | cairn.memory.recall.top-k must be 1 or more, not 0
            cairn.memory.recall.candidates | -5 | cairn.memory.recall.candidates must be 1 or more, not -5
            cairn.memory.recall.text-weight | 1.5 | cairn.memory.recall.text-weight must be from 0 to 1, not 1.5
            cairn.memory.recall.rrf-k | -1 | cairn.memory.recall.rrf-k must be 0 or more, not -1
            cairn.memory.recall.recency-weight | -0.1 | cairn.memory.recall.recency-weight must be 0 or more, not -0.1
            cairn.memory.recall.recency-half-life | 0d | cairn.memory.recall.recency-half-life must be longer than 0, not 0s
            cairn.memory.recall.salience-weight | -1 | cairn.memory.recall.salience-weight must be 0 or more, not -1
            cairn.memory.recall.neighbour-weight | 2 | cairn.memory.recall.neighbour-weight must be from 0 to 1, not 2
            cairn.memory.recall.mmr-lambda | -0.5 | cairn.memory.recall.mmr-lambda must be from 0 to 1, not -0.5
            cairn.memory.recall.recent-turns | -1 | cairn.memory.recall.recent-turns must be 0 or more, not -1
            cairn.memory.recall.window-cache-bytes | -1 | cairn.memory.recall.window-cache-bytes must be 0 or more, not -1
            cairn.memory.default-context-window | 0 | cairn.memory.default-context-window must be 1 or more, not 0
            cairn.memory.context-windows.gpt | 0 | cairn.memory.context-windows.gpt must be 1 or more, not 0
            """)
    void badValuesAreRefusedNamingTheKeyAndTheReason(String key, String value, String message) {
        Settings.assertRefused("cairn.memory", MemoryProperties.class, Settings.of(key, value), message);
    }

    @Test
    void defaultsBind() {
        MemoryProperties memory = Settings.bind("cairn.memory", MemoryProperties.class, Map.of());
        assertThat(memory.embedding().provider()).isEqualTo("local");
        assertThat(memory.recall().fusion()).isEqualTo(MemoryProperties.Fusion.SCORE);
        assertThat(memory.embedding().queryCacheBytes().toBytes()).isEqualTo(16L << 20);
        assertThat(memory.recall().windowCacheBytes().toBytes()).isEqualTo(32L << 20);
        Settings.assertRefused("cairn.memory", MemoryProperties.class, Settings.of("cairn.memory.embedding.provider", "remote",
                "cairn.memory.embedding.base-url", "http://127.0.0.1:9/v1"), "cairn.memory.embedding.model is required with provider remote");
        assertThat(Settings.bind("cairn.memory", MemoryProperties.class, Settings.of("cairn.memory.embedding.provider", "remote",
                "cairn.memory.embedding.base-url", "http://127.0.0.1:9/v1", "cairn.memory.embedding.model", "m")).embedding().model())
                .isEqualTo("m");
    }
}
