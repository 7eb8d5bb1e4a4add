package dev.cairn.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    private final Path dataDir;
    private final Optional<WrappingKey> wrapping;

    public KeyFiles(AuditProperties audit, PlatformProperties platform, KeyWrappingProperties wrapping) {
        Path auditDir = platform.dataDir().resolve("audit");
        this.masterKeyFile = audit.masterKeyFile() != null ? audit.masterKeyFile() : auditDir.resolve("master.key");
        this.signingKeyFile = audit.signingKeyFile() != null ? audit.signingKeyFile() : auditDir.resolve("signing.key");
        this.dataDir = platform.dataDir();
        this.wrapping = WrappingKey.load(wrapping, dataDir);
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

    /**
     * Stores the key files that exist wrapped with {@code next} instead (in the clear when it names
     * no key), each replaced whole; answers the files rewritten. Each is opened with the current
     * wrapping key first, so a wrong current key changes nothing.
     */
    public List<Path> rewrap(KeyWrappingProperties next) {
        Optional<WrappingKey> to = WrappingKey.load(next, dataDir);
        Map<Path, String> secrets = new LinkedHashMap<>();
        for (Kind kind : Kind.values()) {
            Path file = file(kind);
            if (Files.exists(file)) {
                secrets.put(file, SecretFiles.read(file, kind.what, wrapping));
            }
        }
        for (Kind kind : Kind.values()) {
            String secret = secrets.get(file(kind));
            if (secret != null) {
                SecretFiles.rewrite(file(kind), kind.what, secret, to);
            }
        }
        return List.copyOf(secrets.keySet());
    }

    String masterKey(Supplier<String> create) {
        return SecretFiles.readOrCreate(masterKeyFile, Kind.MASTER.what, wrapping, create);
    }

    String signingKey(Supplier<String> create) {
        return SecretFiles.readOrCreate(signingKeyFile, Kind.SIGNING.what, wrapping, create);
    }

    private Path file(Kind kind) {
        return kind == Kind.MASTER ? masterKeyFile : signingKeyFile;
    }

    /** The two key files; {@code what} names one in messages and binds its wrapped content to its purpose. */
    private enum Kind {
        MASTER("audit master key"), SIGNING("audit log signing key");

        final String what;

        Kind(String what) {
            this.what = what;
        }
    }
}
