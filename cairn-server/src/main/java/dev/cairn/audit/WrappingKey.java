package dev.cairn.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import dev.cairn.platform.InvalidConfigurationException;

/**
 * A key-encryption key for the key files: a file's secret is stored as
 * {@code cairn-wrapped-key:v1:CHECK:SEALED}, where SEALED is the secret under AES-256-GCM, bound to
 * what the file is for, and CHECK a short value derived from the wrapping key alone, so that a wrong
 * wrapping key is told apart from a damaged file. Both are derived from the wrapping key, never it.
 */
final class WrappingKey {

    static final String PREFIX = "cairn-wrapped-key:v1:";
    private static final int CHECK_BYTES = 16;

    private final SecretKey sealKey;
    private final byte[] check;
    private final String source;

    private WrappingKey(byte[] key, String source) {
        this.sealKey = new SecretKeySpec(MasterKey.hmac(key, "cairn key wrapping: seal"), "AES");
        this.check = Arrays.copyOf(MasterKey.hmac(key, "cairn key wrapping: check"), CHECK_BYTES);
        this.source = source;
        Arrays.fill(key, (byte) 0);
    }

    /** The configured wrapping key, none when none is configured; refuses a bad one or one kept in the data dir. */
    static Optional<WrappingKey> load(KeyWrappingProperties properties, Path dataDir) {
        boolean inline = properties.wrappingKey() != null && !properties.wrappingKey().isBlank();
        Path file = properties.wrappingKeyFile();
        if (inline && file != null) {
            throw new InvalidConfigurationException("cairn.keys.wrapping-key and cairn.keys.wrapping-key-file are both set; "
                    + "set one of them");
        }
        if (inline) {
            return Optional.of(new WrappingKey(decode(properties.wrappingKey(), "cairn.keys.wrapping-key"),
                    "cairn.keys.wrapping-key"));
        }
        if (file == null) {
            return Optional.empty();
        }
        if (inside(file, dataDir)) {
            throw new InvalidConfigurationException("cairn.keys.wrapping-key-file " + file + " is inside the data dir "
                    + dataDir + ", so whoever copies the data dir has it too: keep it on another disk or in a secret store");
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InvalidConfigurationException("cairn.keys.wrapping-key-file " + file + " cannot be read ("
                    + e.getClass().getSimpleName() + "): check that it exists and that Cairn may read it");
        }
        return Optional.of(new WrappingKey(decode(text, "cairn.keys.wrapping-key-file " + file),
                "cairn.keys.wrapping-key-file " + file));
    }

    static boolean isWrapped(String stored) {
        return stored.startsWith(PREFIX);
    }

    /** Where this key was configured, for messages. */
    String source() {
        return source;
    }

    /** {@code secret} sealed for the key file of {@code what}, in the key file format. */
    String wrap(String secret, String what) {
        byte[] sealed = Aead.seal(sealKey, secret.getBytes(StandardCharsets.UTF_8), associatedData(what));
        Base64.Encoder base64 = Base64.getEncoder();
        return PREFIX + base64.encodeToString(check) + ":" + base64.encodeToString(sealed);
    }

    /**
     * The secret of a wrapped key file; a key other than the one it was wrapped with, or a file
     * that has been changed, stops the start with a message that says which.
     */
    String unwrap(String stored, String what, Path file) {
        String[] parts = stored.substring(PREFIX.length()).split(":", -1);
        byte[] storedCheck;
        byte[] sealed;
        try {
            if (parts.length != 2) {
                throw new IllegalArgumentException("two fields expected");
            }
            storedCheck = Base64.getDecoder().decode(parts[0]);
            sealed = Base64.getDecoder().decode(parts[1]);
        } catch (IllegalArgumentException e) {
            throw damaged(what, file);
        }
        if (!MessageDigest.isEqual(storedCheck, check)) {
            throw new InvalidConfigurationException("The " + what + " file " + file + " was wrapped with another key than "
                    + source + ": configure the wrapping key it was wrapped with");
        }
        try {
            return new String(Aead.open(sealKey, sealed, associatedData(what)), StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw damaged(what, file);
        }
    }

    private static InvalidConfigurationException damaged(String what, Path file) {
        return new InvalidConfigurationException("The " + what + " file " + file + " is damaged: it names the right "
                + "wrapping key but what it holds does not open with it; restore the file from its backup");
    }

    private static String associatedData(String what) {
        return "cairn wrapped key v1: " + what;
    }

    private static byte[] decode(String encoded, String setting) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(encoded.strip());
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(setting + " is not base64; make one with: openssl rand -base64 32");
        }
        if (key.length != 32) {
            throw new InvalidConfigurationException(setting + " must be base64 of 32 bytes, not " + key.length
                    + "; make one with: openssl rand -base64 32");
        }
        return key;
    }

    private static boolean inside(Path file, Path dataDir) {
        return real(file).startsWith(real(dataDir));
    }

    /** The path with its links resolved as far as it exists, so a link cannot hide where a file is. */
    private static Path real(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        Path existing = absolute;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return absolute;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(absolute));
        } catch (IOException e) {
            return absolute;
        }
    }
}
