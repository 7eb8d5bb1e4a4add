package dev.cairn.platform;

import java.util.Collection;
import java.util.function.ToLongBiFunction;

import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * Caches bounded by the heap their entries take rather than by how many there are: an entry count
 * bounds memory only when every entry is the same size, and a cache whose keys or values come from
 * clients (a subject's name, a query's vector, a thread's turns) holds entries a thousand times
 * apart. The estimates are of a 64-bit JVM with compressed references (a 16-byte array header,
 * 12-byte object header, 4-byte references, 8-byte alignment) and err on the large side.
 */
public final class CacheBytes {

    /** Caffeine's node for an entry (key, value, weight, links, timestamps) with its table slot. */
    public static final long ENTRY = 96;
    /** An object with a few fields. */
    public static final long OBJECT = 32;

    private CacheBytes() {
    }

    /**
     * A builder bounded to {@code maxBytes}, each entry weighed by {@code estimate} plus
     * {@link #ENTRY}. {@code 0} keeps nothing.
     */
    public static <K, V> Caffeine<K, V> bounded(long maxBytes, ToLongBiFunction<? super K, ? super V> estimate) {
        return Caffeine.newBuilder().maximumWeight(maxBytes)
                .weigher((K key, V value) -> (int) Math.min(Integer.MAX_VALUE, ENTRY + estimate.applyAsLong(key, value)));
    }

    /** A String: its object, and its array at up to two bytes a character (Latin-1 strings take one). */
    public static long of(String text) {
        return text == null ? 0 : 24 + array(2L * text.length());
    }

    public static long of(float[] vector) {
        return vector == null ? 0 : array(4L * vector.length);
    }

    public static long of(double[] vector) {
        return vector == null ? 0 : array(8L * vector.length);
    }

    public static long of(byte[] bytes) {
        return bytes == null ? 0 : array(bytes.length);
    }

    /** The strings of a collection, with the collection's own array of references. */
    public static long ofStrings(Collection<String> texts) {
        long bytes = OBJECT + array(4L * texts.size());
        for (String text : texts) {
            bytes += of(text);
        }
        return bytes;
    }

    /** An array of {@code payload} bytes: its header, rounded up to the 8-byte alignment. */
    private static long array(long payload) {
        return (16 + payload + 7) & ~7L;
    }
}
