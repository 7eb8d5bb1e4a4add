package dev.cairn.compliance.status;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import dev.cairn.access.ApiKeyRepository;
import dev.cairn.audit.AuditProperties;
import dev.cairn.audit.KeyFiles;
import dev.cairn.audit.SubjectKeys;
import dev.cairn.platform.DataDirectory;
import dev.cairn.platform.DatabaseProperties;
import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.PlatformProperties;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Keys are kept sealed: the master key and the log's signing key come from configuration or from
 * files only their owner can read (wrapped, when a wrapping key is configured), the data dir and the
 * database are their owner's only, the subjects' data keys are stored wrapped by the master key, and
 * API keys are stored only as hashes. What is checked is what the files and tables hold now.
 */
@Component
@Order(4)
class KeysSealedCheck implements StatusCheck {

    private static final Duty DUTY = new Duty("keys_sealed", "Keys are stored sealed", List.of("GDPR Art. 32"));
    private static final int LISTED = 10;

    private final AuditProperties audit;
    private final KeyFiles keyFiles;
    private final Path dataDir;
    private final Optional<Path> databaseFile;
    private final SubjectKeys subjectKeys;
    private final ApiKeyRepository apiKeys;

    KeysSealedCheck(AuditProperties audit, KeyFiles keyFiles, PlatformProperties platform, DatabaseProperties database,
                    SubjectKeys subjectKeys, ApiKeyRepository apiKeys) {
        this.audit = audit;
        this.keyFiles = keyFiles;
        this.dataDir = platform.dataDir();
        this.databaseFile = DataDirectory.databaseFile(dataDir, database.url());
        this.subjectKeys = subjectKeys;
        this.apiKeys = apiKeys;
    }

    @Override
    public Duty duty() {
        return DUTY;
    }

    @Override
    public CheckResult check() {
        List<String> problems = new ArrayList<>();
        ObjectNode observed = JsonBodies.JSON.createObjectNode();
        // The same files MasterKey and LogIdentity read, when no key is configured.
        observed.put("keys_wrapped", keyFiles.wrapping());
        keySource("master_key", "audit master key", audit.masterKey(), "cairn.audit.master-key",
                keyFiles.masterKeyFile(), observed, problems);
        keySource("signing_key", "log signing key", audit.signingKey(), "cairn.audit.signing-key",
                keyFiles.signingKeyFile(), observed, problems);
        dataDir(observed, problems);

        SubjectKeys.Storage dataKeys = subjectKeys.storage();
        observed.put("data_keys", dataKeys.keys());
        observed.put("data_keys_erased", dataKeys.erased());
        observed.put("data_keys_not_wrapped", dataKeys.notWrapped());
        if (dataKeys.notWrapped() > 0) {
            problems.add(dataKeys.notWrapped() + " of the " + (dataKeys.keys() - dataKeys.erased())
                    + " live data keys in audit_data_keys are not stored as keys wrapped by the master key, so whoever "
                    + "reads the database may read what they sealed: find how they were written (a restore from "
                    + "elsewhere?) and erase those subjects.");
        } else if (dataKeys.newest() != null && !dataKeys.newestOpens()) {
            problems.add("The newest data key " + dataKeys.newest() + " does not open with the configured master key, "
                    + "so it was wrapped under another one: configure the master key the data keys were wrapped with.");
        }

        ApiKeyRepository.SecretStorage secrets = apiKeys.secretStorage();
        observed.put("api_keys", secrets.keys());
        observed.put("api_keys_not_hashed", secrets.notHashed().size());
        if (!secrets.notHashed().isEmpty()) {
            ArrayNode ids = observed.putArray("api_keys_not_hashed_ids");
            secrets.notHashed().stream().limit(LISTED).forEach(ids::add);
            problems.add(secrets.notHashed().size() + " API keys are stored with their secret readable, not only as its "
                    + "SHA-256 (" + String.join(", ", secrets.notHashed().stream().limit(LISTED).toList())
                    + (secrets.notHashed().size() > LISTED ? ", …" : "") + "): revoke them and give their holders new keys.");
        }

        if (!problems.isEmpty()) {
            return DUTY.fail(String.join(" ", problems), observed);
        }
        return DUTY.pass("The master and signing keys are kept apart from the database and readable by their owner only"
                + (keyFiles.wrapping() ? ", their files wrapped by a key kept outside the data dir" : "")
                + ", the data dir and the database are their owner's only, the data keys are stored wrapped, and API keys "
                + "only as hashes.", observed);
    }

    /**
     * The data dir, the database file and everything under the dir: who may open them. Cairn makes
     * them owner-only and tightens them at each start, so anything open here was changed since.
     */
    private void dataDir(ObjectNode observed, List<String> problems) {
        observed.put("data_dir", dataDir.toString());
        observed.put("data_dir_mode", modeOf(dataDir));
        databaseFile.ifPresentOrElse(file -> {
            observed.put("database_file", file.toString());
            observed.put("database_mode", modeOf(file));
        }, () -> observed.putNull("database_file"));
        List<String> open = openToOthers(dataDir);
        databaseFile.filter(file -> !file.toAbsolutePath().startsWith(dataDir.toAbsolutePath()))
                .ifPresent(file -> open.addAll(openToOthers(file)));
        observed.put("data_dir_open_to_others", open.size());
        if (!open.isEmpty()) {
            ArrayNode paths = observed.putArray("data_dir_open_to_others_paths");
            open.stream().limit(LISTED).forEach(paths::add);
            problems.add(open.size() + " directories and files of the data dir or the database can be opened by others on "
                    + "the machine (" + String.join(", ", open.stream().limit(LISTED).toList())
                    + (open.size() > LISTED ? ", …" : "") + "): chmod -R go-rwx " + dataDir
                    + ", or restart Cairn, which does it at each start.");
        }
    }

    /** The paths under {@code root} (itself included) that group or others may open; links are not followed. */
    private static List<String> openToOthers(Path root) {
        List<String> open = new ArrayList<>();
        if (!Files.exists(root)) {
            return open;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.forEach(path -> {
                try {
                    if (DataDirectory.openToOthers(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS))) {
                        open.add(path.toString());
                    }
                } catch (IOException | UnsupportedOperationException e) {
                    // Gone while walked (a -wal at a checkpoint), or no POSIX modes: nothing to report.
                }
            });
        } catch (IOException | UncheckedIOException e) {
            open.add(root + " (cannot be walked: " + e.getMessage() + ")");
        }
        return open;
    }

    private static String modeOf(Path path) {
        try {
            return DataDirectory.mode(Files.getPosixFilePermissions(path));
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    /** Where a key comes from, and for a key file whether anyone but its owner may read it. */
    private void keySource(String name, String what, String configured, String setting, Path file,
                           ObjectNode observed, List<String> problems) {
        if (configured != null && !configured.isBlank()) {
            observed.put(name + "_source", "configuration");
            return;
        }
        observed.put(name + "_source", "file");
        observed.put(name + "_file", file.toString());
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            String mode = DataDirectory.mode(permissions);
            observed.put(name + "_mode", mode);
            boolean wrapped = KeyFiles.holdsWrappedKey(file);
            observed.put(name + "_wrapped", wrapped);
            if (keyFiles.wrapping() && !wrapped) {
                problems.add("The " + what + " file " + file + " holds its key unwrapped although a wrapping key is "
                        + "configured, so it was replaced since Cairn started: restart Cairn, which wraps it.");
            }
            if (DataDirectory.openToOthers(permissions)) {
                problems.add("The " + what + " file " + file + " has mode " + mode + ", so others on the machine can "
                        + "read or change it: chmod 600 " + file + ".");
            }
        } catch (NoSuchFileException e) {
            observed.putNull(name + "_mode");
            problems.add("The " + what + " file " + file + " is gone: restore it from its backup before Cairn restarts "
                    + "(a new key would be made, and what the old one protects lost), or set " + setting + ".");
        } catch (UnsupportedOperationException e) {
            observed.putNull(name + "_mode");
            problems.add("The " + what + " file " + file + " is on a file system without POSIX permissions, so who may "
                    + "read it cannot be told: keep it on one that has them, or set " + setting + ".");
        } catch (IOException e) {
            observed.putNull(name + "_mode");
            problems.add("The " + what + " file " + file + " cannot be examined (" + e.getMessage() + "): check that it "
                    + "exists and that Cairn may read it.");
        }
    }
}
