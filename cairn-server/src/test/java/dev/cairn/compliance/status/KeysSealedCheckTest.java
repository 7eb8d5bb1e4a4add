package dev.cairn.compliance.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

import dev.cairn.access.ApiKey;
import dev.cairn.access.ApiKeyRepository;
import dev.cairn.access.Role;
import dev.cairn.audit.AuditProperties;
import dev.cairn.audit.MasterKey;
import dev.cairn.audit.SubjectKeys;
import dev.cairn.ledger.Hashes;
import dev.cairn.support.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The keys_sealed check looks at the key files' modes and at what the key tables really hold. */
class KeysSealedCheckTest {

    @TempDir
    Path dir;

    @Test
    void passesWithOwnerOnlyKeyFilesWrappedDataKeysAndHashedApiKeys() {
        try (StatusCheckFixture fixture = StatusCheckFixture.open(dir)) {
            fixture.appendPersonal("alice");
            fixture.appendPersonal("bob");
            apiKeys(fixture).insert(key("key_hashed", sha256Hex(secret())));

            CheckResult result = check(fixture);

            assertThat(result.passed()).as(result.reason()).isTrue();
            assertThat(result.observed().path("master_key_source").asString()).isEqualTo("file");
            assertThat(result.observed().path("master_key_mode").asString()).isEqualTo("0600");
            assertThat(result.observed().path("signing_key_mode").asString()).isEqualTo("0600");
            assertThat(result.observed().path("data_keys").asLong()).isEqualTo(2);
            assertThat(result.observed().path("api_keys").asLong()).isEqualTo(1);
        }
    }

    @Test
    void failsNamingAKeyFileOthersCanRead() throws Exception {
        try (StatusCheckFixture fixture = StatusCheckFixture.open(dir)) {
            Path masterKey = dir.resolve("audit").resolve("master.key");
            Files.setPosixFilePermissions(masterKey, PosixFilePermissions.fromString("rw-r--r--"));

            CheckResult result = check(fixture);

            assertThat(result.passed()).isFalse();
            assertThat(result.reason()).contains(masterKey.toString()).contains("0644").contains("chmod 600");
            assertThat(result.observed().path("master_key_mode").asString()).isEqualTo("0644");
        }
    }

    @Test
    void reportsTheModesOfTheDataDirAndTheDatabaseAndFailsNamingWhatOthersCanOpen() throws Exception {
        try (StatusCheckFixture fixture = StatusCheckFixture.open(dir)) {
            CheckResult owned = check(fixture);
            assertThat(owned.passed()).as(owned.reason()).isTrue();
            assertThat(owned.observed().path("data_dir").asString()).isEqualTo(dir.toString());
            assertThat(owned.observed().path("data_dir_mode").asString()).isEqualTo("0700");
            assertThat(owned.observed().path("database_file").asString()).isEqualTo(dir.resolve("cairn.db").toString());
            assertThat(owned.observed().path("database_mode").asString()).isEqualTo("0600");
            assertThat(owned.observed().path("data_dir_open_to_others").asLong()).isZero();
            assertThat(owned.observed().path("keys_wrapped").asBoolean()).isFalse();
            assertThat(owned.observed().path("master_key_wrapped").asBoolean()).isFalse();

            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(dir.resolve("cairn.db"), PosixFilePermissions.fromString("rw-r--r--"));
            CheckResult open = check(fixture);

            assertThat(open.passed()).isFalse();
            assertThat(open.observed().path("data_dir_mode").asString()).isEqualTo("0755");
            assertThat(open.observed().path("database_mode").asString()).isEqualTo("0644");
            assertThat(open.observed().path("data_dir_open_to_others").asLong()).isEqualTo(2);
            assertThat(open.reason()).contains("2 directories and files of the data dir or the database can be opened by others")
                    .contains(dir.resolve("cairn.db").toString()).contains("chmod -R go-rwx " + dir);
        }
    }

    @Test
    void reportsKeyFilesWrappedWhenAWrappingKeyIsConfigured() {
        byte[] wrapping = new byte[32];
        new SecureRandom().nextBytes(wrapping);
        try (StatusCheckFixture fixture = StatusCheckFixture.open(dir,
                "cairn.keys.wrapping-key", Base64.getEncoder().encodeToString(wrapping))) {
            CheckResult result = check(fixture);

            assertThat(result.passed()).as(result.reason()).isTrue();
            assertThat(result.observed().path("keys_wrapped").asBoolean()).isTrue();
            assertThat(result.observed().path("master_key_wrapped").asBoolean()).isTrue();
            assertThat(result.observed().path("signing_key_wrapped").asBoolean()).isTrue();
            assertThat(result.reason()).contains("wrapped by a key kept outside the data dir");
        }
    }

    @Test
    void aKeyGivenInConfigurationHasNoFileToCheck() {
        byte[] master = new byte[32];
        new SecureRandom().nextBytes(master);
        try (StatusCheckFixture fixture = StatusCheckFixture.open(dir,
                "cairn.audit.master-key", Base64.getEncoder().encodeToString(master))) {
            CheckResult result = check(fixture);

            assertThat(result.passed()).as(result.reason()).isTrue();
            assertThat(result.observed().path("master_key_source").asString()).isEqualTo("configuration");
            assertThat(result.observed().has("master_key_file")).isFalse();
        }
    }

    @Test
    void failsCountingDataKeysStoredUnwrapped() {
        try (StatusCheckFixture fixture = StatusCheckFixture.open(dir)) {
            fixture.appendPersonal("alice");
            byte[] raw = new byte[32];
            new SecureRandom().nextBytes(raw);
            fixture.jdbc.sql("INSERT INTO audit_data_keys (id, subject_id, workspace, wrapped_key, created_at) VALUES (?, ?, ?, ?, ?)")
                    .params("dk_plain", fixture.subjectId("carol"), StatusCheckFixture.WORKSPACE, raw, Instant.now().toEpochMilli())
                    .update();

            CheckResult result = check(fixture);

            assertThat(result.passed()).isFalse();
            assertThat(result.observed().path("data_keys_not_wrapped").asLong()).isEqualTo(1);
            assertThat(result.reason()).contains("1 of the 2 live data keys").contains("not stored as keys wrapped");
        }
    }

    @Test
    void failsWhenTheDataKeysDoNotOpenWithTheConfiguredMasterKey() {
        try (StatusCheckFixture fixture = StatusCheckFixture.open(dir)) {
            fixture.appendPersonal("alice");
            byte[] other = new byte[32];
            new SecureRandom().nextBytes(other);
            // What a server started with a new master key over the same database would hold.
            MasterKey replaced = new MasterKey(Settings.bind("cairn.audit", AuditProperties.class,
                    Settings.of("cairn.audit.master-key", Base64.getEncoder().encodeToString(other))), fixture.keyFiles);

            CheckResult result = new KeysSealedCheck(fixture.audit, fixture.keyFiles, fixture.platform, fixture.database,
                    SubjectKeys.create(fixture.jdbc, replaced), apiKeys(fixture)).check();

            assertThat(result.passed()).isFalse();
            assertThat(result.reason()).contains("does not open with the configured master key");
        }
    }

    @Test
    void failsListingApiKeysStoredWithTheirSecret() {
        try (StatusCheckFixture fixture = StatusCheckFixture.open(dir)) {
            ApiKeyRepository apiKeys = apiKeys(fixture);
            apiKeys.insert(key("key_hashed", sha256Hex(secret())));
            apiKeys.insert(key("key_in_the_clear", secret()));

            CheckResult result = check(fixture);

            assertThat(result.passed()).isFalse();
            assertThat(result.observed().path("api_keys_not_hashed").asLong()).isEqualTo(1);
            assertThat(result.reason()).contains("key_in_the_clear").doesNotContain("key_hashed");
        }
    }

    private static CheckResult check(StatusCheckFixture fixture) {
        return new KeysSealedCheck(fixture.audit, fixture.keyFiles, fixture.platform, fixture.database, fixture.subjectKeys,
                apiKeys(fixture)).check();
    }

    private static ApiKeyRepository apiKeys(StatusCheckFixture fixture) {
        return new ApiKeyRepository(fixture.jdbc);
    }

    private static ApiKey key(String id, String storedSecret) {
        return new ApiKey(id, storedSecret, "ck_abcde…", StatusCheckFixture.WORKSPACE, id, Role.USER, List.of(),
                Instant.now(), null, null);
    }

    /** A secret of the form Cairn hands out: ck_ and 256 random bits in base64url. */
    private static String secret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return "ck_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String sha256Hex(String secret) {
        return HexFormat.of().formatHex(Hashes.sha256().digest(secret.getBytes(StandardCharsets.UTF_8)));
    }
}
