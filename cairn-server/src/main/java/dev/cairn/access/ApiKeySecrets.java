package dev.cairn.access;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

import dev.cairn.ledger.Hashes;

/**
 * Makes and hashes key secrets. A secret is {@code ck_} and 256 random bits in base64url; it is
 * stored only as its SHA-256. A slow password hash is not needed: nobody can guess 256 random bits,
 * and a fast hash keeps the per-request lookup cheap.
 */
final class ApiKeySecrets {

    static final String PREFIX = "ck_";
    private static final int MIN_BODY = 32;
    private static final int MAX_BODY = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeySecrets() {
    }

    static String newSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * {@code ck_} and 32 to 128 base64url characters. Checked on every request before the lookup,
     * so by hand rather than with a regular expression, which cost a request more than its hash.
     */
    static boolean wellFormed(String secret) {
        return secret != null && flaw(secret) == null;
    }

    /**
     * What is wrong with the form of a key, said so that its holder can tell a mangled paste from a
     * key of another service, or null when it has the form of a Cairn key. Never quotes the key.
     */
    static String flaw(String secret) {
        if (!secret.startsWith(PREFIX)) {
            return "Cairn keys start with 'ck_'";
        }
        int body = secret.length() - PREFIX.length();
        if (body < MIN_BODY || body > MAX_BODY) {
            return "a Cairn key has 32 to 128 characters after 'ck_', this one has " + body;
        }
        for (int i = PREFIX.length(); i < secret.length(); i++) {
            char c = secret.charAt(i);
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) {
                return "a Cairn key has only letters, digits, '_' and '-' after 'ck_', this one has another character at "
                        + (i + 1);
            }
        }
        return null;
    }

    static String hash(String secret) {
        return HexFormat.of().formatHex(Hashes.sha256().digest(secret.getBytes(StandardCharsets.UTF_8)));
    }

    /** What lists show to tell keys apart: the first characters, never enough to use. */
    static String displayPrefix(String secret) {
        return secret.substring(0, 8) + "…";
    }
}
