package dev.cairn.ledger;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/** RFC 9162 §2.1.1 hashing: SHA-256 with a 0x00 prefix for leaves and 0x01 for interior nodes. */
public final class Hashes {

    /** Size in bytes of every hash in the log. */
    public static final int SIZE = 32;

    /** Never updated, only copied; see {@link #sha256()}. */
    private static final MessageDigest SHA256_PROTOTYPE = newSha256();
    private static final byte[] EMPTY_ROOT = sha256(new byte[0]);

    private Hashes() {
    }

    /** The hash of a leaf holding {@code entry}. */
    public static byte[] leafHash(byte[] entry) {
        MessageDigest digest = sha256();
        digest.update((byte) 0x00);
        digest.update(entry);
        return digest.digest();
    }

    /** The hash of an interior node whose children hash to {@code left} and {@code right}. */
    public static byte[] nodeHash(byte[] left, byte[] right) {
        MessageDigest digest = sha256();
        digest.update((byte) 0x01);
        digest.update(left);
        digest.update(right);
        return digest.digest();
    }

    /** The root of the empty tree: SHA-256 of no bytes. */
    public static byte[] emptyRoot() {
        return EMPTY_ROOT.clone();
    }

    /** Hashes compare in constant time: a verifier should not leak how much of a forged root matched. */
    public static boolean equal(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }

    public static String hex(byte[] hash) {
        return HexFormat.of().formatHex(hash);
    }

    static byte[] sha256(byte[] data) {
        return sha256().digest(data);
    }

    /**
     * A fresh SHA-256 digest. Copied from a prototype: {@code MessageDigest.getInstance} looks the
     * algorithm up among the providers each time, and the log hashes many times per entry (its leaf,
     * the nodes it completes, the root of each batch). Public for Cairn's other per-request hashes.
     */
    public static MessageDigest sha256() {
        try {
            return (MessageDigest) SHA256_PROTOTYPE.clone();
        } catch (CloneNotSupportedException e) {
            return newSha256(); // a provider whose digests cannot be copied
        }
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }

    static void requireHash(byte[] hash, String what) throws VerificationException {
        if (hash == null || hash.length != SIZE) {
            throw new VerificationException(what + " must be " + SIZE + " bytes, got "
                    + (hash == null ? "none" : hash.length));
        }
    }

    static byte[] copy(byte[] hash) {
        return Arrays.copyOf(hash, hash.length);
    }
}
