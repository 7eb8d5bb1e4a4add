package dev.cairn.platform;

import java.security.SecureRandom;

/**
 * Time-ordered identifiers in ULID form (48-bit millisecond time, 80 random bits, Crockford
 * base32) behind a type prefix such as {@code key_}, so ids sort by creation and say what they name.
 * Monotonic within this process: ids made in the same millisecond (a batch of items) take the
 * previous id's random part plus one, so they sort in the order they were made.
 */
public final class Ids {

    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Object LOCK = new Object();
    private static long lastTime;
    /** The last id's 80 random bits: 16 high, 64 low. */
    private static long lastHigh;
    private static long lastLow;

    private Ids() {
    }

    public static String newId(String prefix) {
        long time;
        long high;
        long low;
        synchronized (LOCK) {
            time = Math.max(System.currentTimeMillis(), lastTime);
            if (time == lastTime) {
                low = lastLow + 1;
                high = low == 0 ? (lastHigh + 1) & 0xFFFF : lastHigh;
                if (low == 0 && high == 0) {
                    time++; // 2^80 ids in one millisecond: borrow the next one
                }
            } else {
                high = RANDOM.nextInt() & 0xFFFF;
                low = RANDOM.nextLong();
            }
            lastTime = time;
            lastHigh = high;
            lastLow = low;
        }
        char[] out = new char[26];
        for (int i = 9; i >= 0; i--) {
            out[i] = ALPHABET[(int) (time & 31)];
            time >>>= 5;
        }
        // 80 bits as 16 base32 digits, least significant last: 64 low bits, then 16 high.
        for (int i = 25; i >= 10; i--) {
            out[i] = ALPHABET[(int) (low & 31)];
            low = (low >>> 5) | ((high & 31) << 59);
            high >>>= 5;
        }
        return prefix + "_" + new String(out);
    }
}
