package dev.cairn.compliance.status;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import dev.cairn.access.ApiKeyRepository;
import dev.cairn.audit.AuditProperties;
import dev.cairn.audit.SubjectKeys;
import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.PlatformProperties;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Keys are kept sealed: the master key and the log's signing key come from configuration or from
 * files only their owner can read, the subjects' data keys are stored wrapped by the master key,
 * and API keys are stored only as hashes. What is checked is what the files and tables hold now.
 */
@Component
@Order(4)
class KeysSealedCheck implements StatusCheck {

    private static final Duty DUTY = new Duty("keys_sealed", "Keys are stored sealed", List.of("GDPR Art. 32"));
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
    private static final int LISTED = 10;

    private final AuditProperties audit;
    private final Path dataDir;
    private final SubjectKeys subjectKeys;
    private final ApiKeyRepository apiKeys;

    KeysSealedCheck(AuditProperties audit, PlatformProperties platform, SubjectKeys subjectKeys, ApiKeyRepository apiKeys) {
        this.audit = audit;
        this.dataDir = platform.dataDir();
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
        keySource("master_key", "audit master key", audit.masterKey(), "cairn.audit.master-key",
                audit.masterKeyFile() != null ? audit.masterKeyFile() : dataDir.resolve("audit").resolve("master.key"),
                observed, problems);
        keySource("signing_key", "log signing key", audit.signingKey(), "cairn.audit.signing-key",
                audit.signingKeyFile() != null ? audit.signingKeyFile() : dataDir.resolve("audit").resolve("signing.key"),
                observed, problems);

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
        return DUTY.pass("The master and signing keys are kept apart from the database and readable by their owner only, "
                + "the data keys are stored wrapped, and API keys only as hashes.", observed);
    }

    /** Where a key comes from, and for a key file whether anyone but its owner may read it. */
    private static void keySource(String name, String what, String configured, String setting, Path file,
                                  ObjectNode observed, List<String> problems) {
        if (configured != null && !configured.isBlank()) {
            observed.put(name + "_source", "configuration");
            return;
        }
        observed.put(name + "_source", "file");
        observed.put(name + "_file", file.toString());
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            String mode = mode(permissions);
            observed.put(name + "_mode", mode);
            if (permissions.stream().anyMatch(OTHERS::contains)) {
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

    /** The permissions as an octal mode, e.g. {@code 0600}. */
    private static String mode(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (PosixFilePermission permission : permissions) {
            mode |= 1 << (8 - permission.ordinal());
        }
        return String.format("%04o", mode);
    }
}
