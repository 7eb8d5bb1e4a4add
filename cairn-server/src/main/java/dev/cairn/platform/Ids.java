package dev.cairn.platform;

import java.security.SecureRandom;

/**
 * Time-ordered identifiers in ULID form (48-bit millisecond time, 80 random bits, Crockford
 * base32) behind a type prefix such as {@code key_}, so ids sort by creation and say what they name.
 */
public final class Ids {

    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    public static String newId(String prefix) {
        long time = System.currentTimeMillis();
        byte[] random = new byte[10];
        RANDOM.nextBytes(random);
        char[] out = new char[26];
        for (int i = 9; i >= 0; i--) {
            out[i] = ALPHABET[(int) (time & 31)];
            time >>>= 5;
        }
        // 80 random bits as 16 base32 digits: take five bits at a time from the byte array.
        int bitBuffer = 0;
        int bits = 0;
        int pos = 10;
        for (byte b : random) {
            bitBuffer = (bitBuffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                out[pos++] = ALPHABET[(bitBuffer >>> (bits - 5)) & 31];
                bits -= 5;
            }
        }
        return prefix + "_" + new String(out);
    }
}
