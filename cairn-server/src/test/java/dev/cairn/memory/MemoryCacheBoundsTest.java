package dev.cairn.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.github.benmanes.caffeine.cache.Cache;
import dev.cairn.platform.PlatformProperties;
import dev.cairn.platform.RedisProperties;
import dev.cairn.platform.embedding.LocalEmbedder;
import dev.cairn.support.FakeUpstream;
import dev.cairn.support.Settings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory's in-process caches hold what their byte settings allow however large their entries are:
 * a remote model's 3,072-dimension query vectors (12 KB each, eight times the local model's), a
 * thread's window of pasted documents.
 */
class MemoryCacheBoundsTest {

    private static final int DIMENSIONS = 3072;
    private static final FakeUpstream MODEL = FakeUpstream.start();

    @TempDir
    Path dir;

    @AfterAll
    static void stopTheModel() {
        MODEL.close();
    }

    @Test
    void theQueryVectorCacheStaysWithinItsBytesWhateverTheVectorsSize() {
        MODEL.handler((exchange, request) -> {
            StringBuilder vector = new StringBuilder("[");
            for (int i = 0; i < DIMENSIONS; i++) {
                vector.append(i == 0 ? "" : ",").append((i % 7) / 7.0);
            }
            FakeUpstream.json(exchange, 200, "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":"
                    + vector + "]}],\"model\":\"big\",\"usage\":{\"prompt_tokens\":1,\"total_tokens\":1}}");
        });
        var settings = Settings.of("cairn.data-dir", dir.toString(), "cairn.memory.embedding.provider", "remote",
                "cairn.memory.embedding.base-url", MODEL.baseUrl(), "cairn.memory.embedding.model", "big",
                "cairn.memory.embedding.query-cache-bytes", "1MB");
        MemoryProperties memory = Settings.bind("cairn.memory", MemoryProperties.class, settings);
        Embeddings embeddings = new Embeddings(memory, new MemoryCache(Settings.bind("cairn.redis", RedisProperties.class, settings)),
                new LocalEmbedder(Settings.bind("cairn", PlatformProperties.class, settings).dataDir(), 1));

        embeddings.query("the usual question");
        embeddings.query("the usual question");
        assertThat(MODEL.received()).as("a query asked again is served from the cache").hasSize(1);
        for (int i = 0; i < 200; i++) {
            assertThat(embeddings.query("question number " + i)).hasSize(DIMENSIONS);
        }

        long held = embeddings.cachedQueryBytes();
        assertThat(held).as("200 vectors of 12 KB would be 2.5 MB").isLessThanOrEqualTo(1 << 20);
        assertThat(held).as("it still caches what fits").isGreaterThan(512 << 10);

    }

    @Test
    void threadWindowsStayWithinTheirBytesWhateverTheTurnsLength() {
        long limit = 4 << 20;
        Cache<String, List<MemoryItem>> cache = ThreadWindows.cache(limit);
        String document = "x".repeat(50_000);

        for (int thread = 0; thread < 200; thread++) {
            List<MemoryItem> window = new ArrayList<>();
            for (int turn = 0; turn < 8; turn++) {
                window.add(new MemoryItem("mem_" + thread + "_" + turn, "ws", "thread-" + thread, ItemKind.MESSAGE, document,
                        null, "{}", Instant.EPOCH, 0.5, null, null, "user", 50_000, null, Instant.EPOCH, Instant.EPOCH));
            }
            cache.put("thread-" + thread, window);
        }
        cache.cleanUp();

        long weighed = cache.policy().eviction().orElseThrow().weightedSize().orElseThrow();
        assertThat(cache.estimatedSize()).as("what fits is kept").isPositive();
        assertThat(weighed).as("200 windows of 800 KB each").isLessThanOrEqualTo(limit);
        assertThat(ThreadWindows.bytes(cache.asMap().values().iterator().next()))
                .as("a window is weighed by its text").isGreaterThan(8 * 50_000L);
    }
}
