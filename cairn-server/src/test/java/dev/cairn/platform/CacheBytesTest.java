package dev.cairn.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import com.github.benmanes.caffeine.cache.Cache;
import org.junit.jupiter.api.Test;

/** A cache bounded by bytes keeps its weighed size under its bound, whatever mix of entry sizes fills it. */
class CacheBytesTest {

    private static long weighed(Cache<?, ?> cache) {
        cache.cleanUp();
        return cache.policy().eviction().orElseThrow().weightedSize().orElseThrow();
    }

    @Test
    void manyLargeEntriesStayUnderTheBound() {
        long bound = 2 << 20;
        Cache<String, float[]> cache = CacheBytes.<String, float[]>bounded(bound,
                (key, vector) -> CacheBytes.of(key) + CacheBytes.of(vector)).build();

        for (int i = 0; i < 10_000; i++) {
            cache.put("query " + i, new float[i % 2 == 0 ? 384 : 3072]);
        }

        assertThat(weighed(cache)).isLessThanOrEqualTo(bound);
        assertThat(cache.estimatedSize()).as("an entry count would have kept all 10,000").isLessThan(1_000).isPositive();
    }

    @Test
    void estimatesCountWhatTheHeapHolds() {
        assertThat(CacheBytes.of(new float[384])).isEqualTo(16 + 1536);
        assertThat(CacheBytes.of(new float[3072])).isEqualTo(16 + 12_288);
        assertThat(CacheBytes.of("abc")).as("object, array header, two bytes a character, aligned").isEqualTo(24 + 24);
        assertThat(CacheBytes.of((String) null)).isZero();
        assertThat(CacheBytes.ofStrings(List.of("a", "b"))).isGreaterThan(2 * CacheBytes.of("a"));
    }

    @Test
    void aBoundOfZeroKeepsNothing() {
        Cache<String, String> cache = CacheBytes.<String, String>bounded(0, (k, v) -> CacheBytes.of(k) + CacheBytes.of(v)).build();

        cache.put("subject", "sub_1");

        assertThat(weighed(cache)).isZero();
        assertThat(cache.estimatedSize()).isZero();
    }
}
