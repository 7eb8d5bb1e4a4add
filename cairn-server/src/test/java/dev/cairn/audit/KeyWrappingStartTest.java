package dev.cairn.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

import dev.cairn.CairnApplication;
import dev.cairn.platform.InvalidConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The whole server with a wrapping key: it starts and restarts with its key files wrapped, and
 * without that key, or with another, it stops with one message and no stack trace.
 */
@ExtendWith(OutputCaptureExtension.class)
class KeyWrappingStartTest {

    @TempDir
    Path dir;

    @Test
    void aWrappedDataDirStartsOnlyWithItsWrappingKey(CapturedOutput output) throws Exception {
        Path dataDir = dir.resolve("data");
        Path wrappingKey = Files.writeString(dir.resolve("wrapping.key"), randomKey());
        String subjectId;
        try (ConfigurableApplicationContext server = start(dataDir, "--cairn.keys.wrapping-key-file=" + wrappingKey)) {
            subjectId = server.getBean(MasterKey.class).subjectId("ws", "alice");
        }
        assertThat(Files.readString(dataDir.resolve("audit/master.key"))).startsWith("cairn-wrapped-key:v1:");
        assertThat(Files.readString(dataDir.resolve("audit/signing.key"))).startsWith("cairn-wrapped-key:v1:");
        try (ConfigurableApplicationContext server = start(dataDir, "--cairn.keys.wrapping-key-file=" + wrappingKey)) {
            assertThat(server.getBean(MasterKey.class).subjectId("ws", "alice")).as("the same key after a restart")
                    .isEqualTo(subjectId);
        }

        assertRefused(output, dataDir, "is wrapped and no wrapping key is configured");
        assertRefused(output, dataDir, "was wrapped with another key than cairn.keys.wrapping-key",
                "--cairn.keys.wrapping-key=" + randomKey());
    }

    private void assertRefused(CapturedOutput output, Path dataDir, String message, String... args) {
        int before = output.getOut().length();
        assertThatThrownBy(() -> start(dataDir, args).close())
                .satisfies(e -> assertThat(root(e)).isInstanceOf(InvalidConfigurationException.class)
                        .hasMessageContaining(message));
        String report = output.getOut().substring(before);
        assertThat(report).contains("APPLICATION FAILED TO START").contains("Invalid configuration: The audit master key file")
                .contains(message).doesNotContain("Application run failed").doesNotContain("\tat ");
    }

    private static ConfigurableApplicationContext start(Path dataDir, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--cairn.data-dir=" + dataDir;
        all[1] = "--server.port=0";
        System.arraycopy(args, 0, all, 2, args.length);
        return new SpringApplication(CairnApplication.class).run(all);
    }

    private static Throwable root(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    private static String randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}
