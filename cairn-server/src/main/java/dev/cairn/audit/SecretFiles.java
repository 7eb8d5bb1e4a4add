package dev.cairn.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import dev.cairn.platform.DataDirectory;
import dev.cairn.platform.InvalidConfigurationException;
import dev.cairn.platform.OwnerOnlyFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a one-line secret from a file, or creates the file readable by its owner only (0600). With
 * a wrapping key the file holds the secret wrapped: one found in the clear is wrapped in place, and
 * one found wrapped opens only with that key. {@code what} names the secret in messages and binds
 * its wrapped form to it, so that one key file cannot stand in for another.
 */
final class SecretFiles {

    private static final Logger log = LoggerFactory.getLogger(SecretFiles.class);

    private SecretFiles() {
    }

    static String readOrCreate(Path file, String what, Optional<WrappingKey> wrapping, Supplier<String> create) {
        try {
            if (Files.exists(file)) {
                warnIfOpen(file, what);
                return open(file, what, wrapping, read(file));
            }
            String secret = create.get();
            try {
                // Created with its permissions in one step, so the secret is never readable by others.
                OwnerOnlyFiles.createFile(file);
            } catch (FileAlreadyExistsException e) {
                return open(file, what, wrapping, read(file)); // another process won the race
            }
            String stored = wrapping.map(key -> key.wrap(secret, what)).orElse(secret);
            OwnerOnlyFiles.writeString(file, stored + "\n");
            log.info("Created the {} in {} (mode 0600{}); back it up and keep it apart from the database", what, file,
                    wrapping.map(key -> ", wrapped with " + key.source()).orElse(""));
            return secret;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create the " + what + " file " + file, e);
        }
    }

    /** The secret {@code file} holds, unwrapped with {@code wrapping} when the file is wrapped; the file is left as it is. */
    static String read(Path file, String what, Optional<WrappingKey> wrapping) {
        try {
            return secret(file, what, wrapping, read(file));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the " + what + " file " + file, e);
        }
    }

    /** Replaces what {@code file} holds with {@code secret}, wrapped with {@code wrapping} when there is one. */
    static void rewrite(Path file, String what, String secret, Optional<WrappingKey> wrapping) {
        try {
            OwnerOnlyFiles.replace(file, (wrapping.map(key -> key.wrap(secret, what)).orElse(secret) + "\n")
                    .getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the " + what + " file " + file, e);
        }
    }

    /** Whether {@code file} holds a wrapped secret; false for a missing file. */
    static boolean isWrapped(Path file) throws IOException {
        return Files.exists(file) && WrappingKey.isWrapped(read(file));
    }

    private static String open(Path file, String what, Optional<WrappingKey> wrapping, String stored) {
        String secret = secret(file, what, wrapping, stored);
        if (wrapping.isPresent() && !WrappingKey.isWrapped(stored) && !stored.isEmpty()) {
            // An install from before the wrapping key: the new file is complete on disk before it replaces the old.
            rewrite(file, what, secret, wrapping);
            log.warn("Wrapped the {} in {} with {}; from now on it opens only with that key, so keep the key apart "
                    + "from the data dir and back it up", what, file, wrapping.get().source());
        }
        return secret;
    }

    private static String secret(Path file, String what, Optional<WrappingKey> wrapping, String stored) {
        if (!WrappingKey.isWrapped(stored)) {
            return stored;
        }
        if (wrapping.isEmpty()) {
            throw new InvalidConfigurationException("The " + what + " file " + file + " is wrapped and no wrapping key "
                    + "is configured: set CAIRN_KEYS_WRAPPING_KEY or cairn.keys.wrapping-key-file to the key it was "
                    + "wrapped with");
        }
        return wrapping.get().unwrap(stored, what, file);
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8).strip();
    }

    private static void warnIfOpen(Path file, String what) throws IOException {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (DataDirectory.openToOthers(permissions)) {
                log.warn("The {} file {} is readable by others ({}); chmod 600 it",
                        what, file, PosixFilePermissions.toString(permissions));
            }
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: nothing to check.
        }
    }
}
