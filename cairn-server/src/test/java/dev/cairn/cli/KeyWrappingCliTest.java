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
    void theWrappingKeyComesFromTheEnvironmentAsTheServerReadsIt() {
        CommonOptions options = new CommonOptions();
        options.dataDir = dir.resolve("data");
        String key = randomKey();

        OfflineSettings settings = OfflineSettings.load(options, Map.of("CAIRN_KEYS_WRAPPING_KEY", key));

        assertThat(settings.keyWrapping().wrappingKey()).isEqualTo(key);
        assertThat(settings.keyFiles().wrapping()).isTrue();
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
