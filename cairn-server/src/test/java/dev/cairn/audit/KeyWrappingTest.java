package dev.cairn.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

import dev.cairn.platform.InvalidConfigurationException;
import dev.cairn.platform.PlatformProperties;
import dev.cairn.support.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With a wrapping key the master and signing key files hold their keys wrapped: they open again
 * with that key and with no other, a plaintext install is wrapped in place, and every refusal is one
 * message that says what to do.
 */
class KeyWrappingTest {

    @TempDir
    Path dir;

    private final String wrappingKey = randomKey();

    @Test
    void wrappedKeysOpenAgainAfterARestartAndTheFilesHoldNoRawKey() throws IOException {
        Path dataDir = dir.resolve("data");
        Keys first = keys(dataDir, "cairn.keys.wrapping-key", wrappingKey);
        Keys second = keys(dataDir, "cairn.keys.wrapping-key", wrappingKey);

        assertThat(second.master.subjectId("ws", "alice")).isEqualTo(first.master.subjectId("ws", "alice"));
        assertThat(second.identity.verifier().vkey()).isEqualTo(first.identity.verifier().vkey());
        String masterFile = Files.readString(dataDir.resolve("audit/master.key"));
        String signingFile = Files.readString(dataDir.resolve("audit/signing.key"));
        assertThat(masterFile).startsWith("cairn-wrapped-key:v1:");
        assertThat(signingFile).startsWith("cairn-wrapped-key:v1:")
                .doesNotContain(first.identity.signer().skey()).doesNotContain("PRIVATE+KEY");
        String rawMaster = unwrap(masterFile, "audit master key");
        assertThat(Base64.getDecoder().decode(rawMaster)).hasSize(32);
        assertThat(new MasterKey(Base64.getDecoder().decode(rawMaster)).subjectId("ws", "alice"))
                .isEqualTo(first.master.subjectId("ws", "alice"));
        assertThat(masterFile).doesNotContain(rawMaster);
        assertThat(containsBytes(Files.readAllBytes(dataDir.resolve("audit/master.key")), Base64.getDecoder().decode(rawMaster)))
                .isFalse();
        assertThat(mode(dataDir.resolve("audit/master.key"))).isEqualTo("rw-------");
    }

    @Test
    void aPlaintextInstallIsWrappedAtItsFirstStartWithTheKeyAndKeepsItsKeys() throws IOException {
        Path dataDir = dir.resolve("data");
        Keys plain = keys(dataDir);
        String plainMaster = Files.readString(dataDir.resolve("audit/master.key")).strip();
        Files.setPosixFilePermissions(dataDir.resolve("audit/signing.key"), PosixFilePermissions.fromString("rw-r--r--"));

        Keys wrapped = keys(dataDir, "cairn.keys.wrapping-key", wrappingKey);

        assertThat(wrapped.master.subjectId("ws", "bob")).isEqualTo(plain.master.subjectId("ws", "bob"));
        assertThat(wrapped.identity.verifier().vkey()).isEqualTo(plain.identity.verifier().vkey());
        assertThat(Files.readString(dataDir.resolve("audit/master.key"))).startsWith("cairn-wrapped-key:v1:")
                .doesNotContain(plainMaster);
        assertThat(unwrap(Files.readString(dataDir.resolve("audit/master.key")), "audit master key")).isEqualTo(plainMaster);
        assertThat(mode(dataDir.resolve("audit/signing.key"))).isEqualTo("rw-------");
        try (Stream<Path> files = Files.list(dataDir.resolve("audit"))) {
            assertThat(files.map(path -> path.getFileName().toString())).containsExactlyInAnyOrder("master.key", "signing.key");
        }
        assertThat(KeyFiles.holdsWrappedKey(dataDir.resolve("audit/master.key"))).isTrue();
    }

    @Test
    void wrappedKeysDoNotOpenWithoutTheWrappingKey() {
        Path dataDir = dir.resolve("data");
        keys(dataDir, "cairn.keys.wrapping-key", wrappingKey);

        assertThatThrownBy(() -> keys(dataDir))
                .isInstanceOf(InvalidConfigurationException.class).hasNoCause()
                .hasMessage("The audit master key file " + dataDir.resolve("audit/master.key") + " is wrapped and no "
                        + "wrapping key is configured: set CAIRN_KEYS_WRAPPING_KEY or cairn.keys.wrapping-key-file to the "
                        + "key it was wrapped with");
        assertThatThrownBy(() -> new LogIdentity(audit(), keyFiles(dataDir)))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("audit log signing key file")
                .hasMessageContaining("is wrapped and no wrapping key is configured");
    }

    @Test
    void aWrongWrappingKeyIsToldApartFromADamagedFile() throws IOException {
        Path dataDir = dir.resolve("data");
        keys(dataDir, "cairn.keys.wrapping-key", wrappingKey);
        Path master = dataDir.resolve("audit/master.key");

        assertThatThrownBy(() -> keys(dataDir, "cairn.keys.wrapping-key", randomKey()))
                .isInstanceOf(InvalidConfigurationException.class).hasNoCause()
                .hasMessage("The audit master key file " + master + " was wrapped with another key than "
                        + "cairn.keys.wrapping-key: configure the wrapping key it was wrapped with");

        String stored = Files.readString(master).strip();
        char last = stored.charAt(stored.length() - 3);
        Files.writeString(master, stored.substring(0, stored.length() - 3) + (last == 'A' ? 'B' : 'A')
                + stored.substring(stored.length() - 2) + "\n");
        assertThatThrownBy(() -> keys(dataDir, "cairn.keys.wrapping-key", wrappingKey))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("The audit master key file " + master + " is damaged")
                .hasMessageContaining("restore the file from its backup");
    }

    @Test
    void theWrappingKeyMayComeFromAFileOutsideTheDataDirButNotFromOneInside() throws IOException {
        Path dataDir = dir.resolve("data");
        Path outside = Files.writeString(dir.resolve("kek"), wrappingKey + "\n");
        Keys fromFile = keys(dataDir, "cairn.keys.wrapping-key-file", outside.toString());
        Keys fromValue = keys(dataDir, "cairn.keys.wrapping-key", wrappingKey);
        assertThat(fromValue.master.subjectId("ws", "x")).isEqualTo(fromFile.master.subjectId("ws", "x"));

        Path inside = Files.writeString(dataDir.resolve("kek"), wrappingKey);
        Files.createSymbolicLink(dir.resolve("data-link"), dataDir);
        for (Path file : List.of(inside, dir.resolve("data-link").resolve("kek"))) {
            assertThatThrownBy(() -> keys(dataDir, "cairn.keys.wrapping-key-file", file.toString()))
                    .isInstanceOf(InvalidConfigurationException.class)
                    .hasMessage("cairn.keys.wrapping-key-file " + file + " is inside the data dir " + dataDir
                            + ", so whoever copies the data dir has it too: keep it on another disk or in a secret store");
        }
    }

    @Test
    void aBadWrappingKeySettingIsRefusedNamingTheSetting() {
        Path dataDir = dir.resolve("data");
        List<String[]> cases = new ArrayList<>();
        cases.add(new String[] {"cairn.keys.wrapping-key", "not base64!", "cairn.keys.wrapping-key is not base64"});
        cases.add(new String[] {"cairn.keys.wrapping-key", Base64.getEncoder().encodeToString(new byte[16]),
                "cairn.keys.wrapping-key must be base64 of 32 bytes, not 16"});
        cases.add(new String[] {"cairn.keys.wrapping-key-file", dir.resolve("missing").toString(),
                "cairn.keys.wrapping-key-file " + dir.resolve("missing") + " cannot be read"});
        for (String[] c : cases) {
            assertThatThrownBy(() -> keys(dataDir, c[0], c[1]))
                    .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining(c[2]);
        }
        assertThatThrownBy(() -> keys(dataDir, "cairn.keys.wrapping-key", wrappingKey,
                "cairn.keys.wrapping-key-file", dir.resolve("kek").toString()))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("are both set");
        assertThat(dataDir).doesNotExist();
    }

    private record Keys(MasterKey master, LogIdentity identity) {
    }

    private static Keys keys(Path dataDir, String... settings) {
        KeyFiles files = keyFiles(dataDir, settings);
        return new Keys(new MasterKey(audit(), files), new LogIdentity(audit(), files));
    }

    private static KeyFiles keyFiles(Path dataDir, String... settings) {
        var map = Settings.of(settings);
        map.put("cairn.data-dir", dataDir.toString());
        return new KeyFiles(audit(), Settings.bind("cairn", PlatformProperties.class, map),
                Settings.bind("cairn.keys", KeyWrappingProperties.class, map));
    }

    private static AuditProperties audit() {
        return Settings.bind("cairn.audit", AuditProperties.class, Settings.of());
    }

    private String unwrap(String stored, String what) {
        return WrappingKey.load(new KeyWrappingProperties(wrappingKey, null), dir.resolve("data")).orElseThrow()
                .unwrap(stored.strip(), what, Path.of("test"));
    }

    private static boolean containsBytes(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    private static String randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}
