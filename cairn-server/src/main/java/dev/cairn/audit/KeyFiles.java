package dev.cairn.audit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

import dev.cairn.platform.PlatformProperties;
import org.springframework.stereotype.Component;

/**
 * Where the master and signing keys are kept when configuration does not give them, and how: in
 * {@code <data-dir>/audit} (or the configured files), wrapped by the key-encryption key of
 * {@code cairn.keys} when one is configured. The server and every command read the keys through it.
 */
@Component
public class KeyFiles {

    private final Path masterKeyFile;
    private final Path signingKeyFile;
    private final Optional<WrappingKey> wrapping;

    public KeyFiles(AuditProperties audit, PlatformProperties platform, KeyWrappingProperties wrapping) {
        Path auditDir = platform.dataDir().resolve("audit");
        this.masterKeyFile = audit.masterKeyFile() != null ? audit.masterKeyFile() : auditDir.resolve("master.key");
        this.signingKeyFile = audit.signingKeyFile() != null ? audit.signingKeyFile() : auditDir.resolve("signing.key");
        this.wrapping = WrappingKey.load(wrapping, platform.dataDir());
    }

    public Path masterKeyFile() {
        return masterKeyFile;
    }

    public Path signingKeyFile() {
        return signingKeyFile;
    }

    /** Whether a wrapping key is configured, so that the key files are kept wrapped. */
    public boolean wrapping() {
        return wrapping.isPresent();
    }

    /** Whether {@code file} holds its key wrapped; false when it does not exist. */
    public static boolean holdsWrappedKey(Path file) throws IOException {
        return SecretFiles.isWrapped(file);
    }

    String masterKey(Supplier<String> create) {
        return SecretFiles.readOrCreate(masterKeyFile, "audit master key", "audit master key", wrapping, create);
    }

    String signingKey(Supplier<String> create) {
        return SecretFiles.readOrCreate(signingKeyFile, "audit log signing key", "audit log signing key", wrapping, create);
    }
}
