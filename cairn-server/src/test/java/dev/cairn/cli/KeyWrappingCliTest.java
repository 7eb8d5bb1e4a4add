package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Stream;

import dev.cairn.support.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command that opens the master or signing key takes the wrapping key as the server does (a
 * {@code CAIRN_KEYS_*} variable or the {@code --config} file) and, without it, stops with one line.
 */
class KeyWrappingCliTest {

    @TempDir
    Path dir;

    @Test
    void commandsOpenAWrappedDataDirWithTheWrappingKeyAndOnlyWithIt() throws Exception {
        Path dataDir = dir.resolve("data");
        Path wrappingKey = Files.writeString(dir.resolve("wrapping.key"), randomKey() + "\n");
        Path config = Files.writeString(dir.resolve("cairn.yaml"), """
                cairn:
                  keys:
                    wrapping-key-file: %s
                """.formatted(wrappingKey));
        String data = dataDir.toString();

        CliRun created = CliRun.run("keys", "create", "--data-dir", data, "--config", config.toString(),
                "--workspace", "team", "--name", "laptop");
        assertThat(created.exit()).as(created.stderr()).isZero();
        assertThat(Files.readString(dataDir.resolve("audit/master.key"))).startsWith("cairn-wrapped-key:v1:");
        CliRun vkey = CliRun.run("log", "vkey", "--data-dir", data, "--config", config.toString());
        assertThat(vkey.exit()).as(vkey.stderr()).isZero();
        assertThat(Files.readString(dataDir.resolve("audit/signing.key"))).startsWith("cairn-wrapped-key:v1:");
        CliRun exported = CliRun.run("export", "audit", "--data-dir", data, "--config", config.toString(),
                "--out", dir.resolve("bundle").toString());
        assertThat(exported.exit()).as(exported.stderr()).isZero();
        assertThat(CliRun.run("verify", "--dir", dir.resolve("bundle").toString(), "--vkey", vkey.stdout().strip()).exit())
                .isZero();
        try (Stream<Path> files = Files.walk(dir.resolve("bundle"))) {
            assertThat(files.filter(Files::isRegularFile).map(this::mode)).isNotEmpty().allMatch("rw-------"::equals);
        }

        for (String[] command : new String[][] {
                {"keys", "create", "--data-dir", data, "--workspace", "team", "--name", "phone"},
                {"log", "vkey", "--data-dir", data},
                {"export", "audit", "--data-dir", data, "--out", dir.resolve("bundle2").toString()}}) {
            CliRun refused = CliRun.run(command);
            assertThat(refused.exit()).as(String.join(" ", command)).isEqualTo(1);
            assertThat(refused.stdout()).isEmpty();
            assertThat(refused.stderr()).contains("is wrapped and no wrapping key is configured")
                    .contains("CAIRN_KEYS_WRAPPING_KEY").doesNotContain("\tat ");
        }
    }

    @Test
    void rewrapTurnsWrappingOnRotatesItsKeyAndTurnsItOffKeepingTheKeys() throws Exception {
        String data = dir.resolve("data").toString();
        Path first = Files.writeString(dir.resolve("first.key"), randomKey());
        Path second = Files.writeString(dir.resolve("second.key"), randomKey());
        Path firstConfig = config("first.yaml", first);
        Path secondConfig = config("second.yaml", second);
        String vkey = CliRun.run("log", "vkey", "--data-dir", data).stdout().strip();
        assertThat(vkey).isNotEmpty();

        CliRun on = CliRun.run("keys", "rewrap", "--data-dir", data, "--new-wrapping-key-file", first.toString());
        assertThat(on.exit()).as(on.stderr()).isZero();
        assertThat(on.stdout()).contains("rewrapped " + dir.resolve("data/audit/signing.key"));
        assertThat(Files.readString(dir.resolve("data/audit/signing.key"))).startsWith("cairn-wrapped-key:v1:");
        assertThat(vkey(data, firstConfig)).isEqualTo(vkey);

        CliRun wrongCurrent = CliRun.run("keys", "rewrap", "--data-dir", data, "--config", secondConfig.toString(),
                "--new-wrapping-key-file", second.toString());
        assertThat(wrongCurrent.exit()).isEqualTo(1);
        assertThat(wrongCurrent.stderr()).contains("was wrapped with another key");
        assertThat(vkey(data, firstConfig)).as("a refused rewrap changes nothing").isEqualTo(vkey);

        CliRun rotated = CliRun.run("keys", "rewrap", "--data-dir", data, "--config", firstConfig.toString(),
                "--new-wrapping-key-file", second.toString());
        assertThat(rotated.exit()).as(rotated.stderr()).isZero();
        assertThat(vkey(data, secondConfig)).isEqualTo(vkey);
        assertThat(CliRun.run("log", "vkey", "--data-dir", data, "--config", firstConfig.toString()).stderr())
                .contains("was wrapped with another key");

        CliRun off = CliRun.run("keys", "rewrap", "--data-dir", data, "--config", secondConfig.toString(), "--unwrap");
        assertThat(off.exit()).as(off.stderr()).isZero();
        assertThat(Files.readString(dir.resolve("data/audit/signing.key"))).startsWith("PRIVATE+KEY+");
        assertThat(CliRun.run("log", "vkey", "--data-dir", data).stdout().strip()).isEqualTo(vkey);

        CliRun ambiguous = CliRun.run("keys", "rewrap", "--data-dir", data, "--unwrap", "--new-wrapping-key-file", first.toString());
        assertThat(ambiguous.exit()).isEqualTo(1);
        assertThat(ambiguous.stderr()).contains("give the new wrapping key in exactly one way");
    }

    private Path config(String name, Path wrappingKey) throws java.io.IOException {
        return Files.writeString(dir.resolve(name), """
                cairn:
                  keys:
                    wrapping-key-file: %s
                """.formatted(wrappingKey));
    }

    private static String vkey(String data, Path config) {
        CliRun run = CliRun.run("log", "vkey", "--data-dir", data, "--config", config.toString());
        assertThat(run.exit()).as(run.stderr()).isZero();
        return run.stdout().strip();
    }

    @Test
    void theWrappingKeyComesFromTheEnvironmentAsTheServerReadsIt() {
        CommonOptions options = new CommonOptions();
        options.dataDir = dir.resolve("data");
        String key = randomKey();

        OfflineSettings settings = OfflineSettings.load(options, Map.of("CAIRN_KEYS_WRAPPING_KEY", key));

        assertThat(settings.keyWrapping().wrappingKey()).isEqualTo(key);
        assertThat(settings.keyFiles().wrapping()).isTrue();
        assertThat(OfflineSettings.load(options, Map.of("CAIRN_KEYS_WRAPPINGKEY", key)).keyWrapping().wrappingKey())
                .as("the relaxed form of the other settings' variables too").isEqualTo(key);
        assertThat(OfflineSettings.load(options, Map.of("CAIRN_KEYS_WRAPPING_KEY_FILE", "/etc/cairn/kek")).keyWrapping()
                .wrappingKeyFile()).isEqualTo(Path.of("/etc/cairn/kek"));
        assertThat(OfflineSettings.load(options, Map.of()).keyFiles().wrapping()).isFalse();
    }

    private String mode(Path path) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}
