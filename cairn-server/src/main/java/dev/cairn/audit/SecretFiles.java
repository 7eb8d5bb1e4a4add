package dev.cairn.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads a one-line secret from a file, or creates the file readable by its owner only (0600). */
final class SecretFiles {

    private static final Logger log = LoggerFactory.getLogger(SecretFiles.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private SecretFiles() {
    }

    static String readOrCreate(Path file, String what, Supplier<String> create) {
        try {
            if (Files.exists(file)) {
                warnIfOpen(file, what);
                return Files.readString(file, StandardCharsets.UTF_8).strip();
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            String secret = create.get();
            try {
                // Created with its permissions in one step, so the secret is never readable by others.
                Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } catch (UnsupportedOperationException e) {
                Files.createFile(file);
            } catch (FileAlreadyExistsException e) {
                return Files.readString(file, StandardCharsets.UTF_8).strip(); // another process won the race
            }
            Files.writeString(file, secret + "\n", StandardCharsets.UTF_8);
            log.info("Created the {} in {} (mode 0600); back it up and keep it apart from the database", what, file);
            return secret;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create the " + what + " file " + file, e);
        }
    }

    private static void warnIfOpen(Path file, String what) throws IOException {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (!OWNER_ONLY.containsAll(permissions)) {
                log.warn("The {} file {} is readable by others ({}); chmod 600 it",
                        what, file, PosixFilePermissions.toString(permissions));
            }
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: nothing to check.
        }
    }
}
