package dev.cairn.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Makes and hashes key secrets. A secret is {@code ck_} and 256 random bits in base64url; it is
 * stored only as its SHA-256. A slow password hash is not needed: nobody can guess 256 random bits,
 * and a fast hash keeps the per-request lookup cheap.
 */
final class ApiKeySecrets {

    static final String PREFIX = "ck_";
    private static final Pattern WELL_FORMED = Pattern.compile("^ck_[A-Za-z0-9_-]{32,128}$");
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeySecrets() {
    }

    static String newSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static boolean wellFormed(String secret) {
        return secret != null && WELL_FORMED.matcher(secret).matches();
    }

    static String hash(String secret) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** What lists show to tell keys apart: the first characters, never enough to use. */
    static String displayPrefix(String secret) {
        return secret.substring(0, 8) + "…";
    }
}
