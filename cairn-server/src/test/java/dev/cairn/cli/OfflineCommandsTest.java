package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.cairn.CairnApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands other than {@code serve} build what they use by hand: each runs here in a JVM of its
 * own, which must never load Spring Boot's application, an application context, the web server or
 * the embedding model; and they read the data dir the --config file names.
 */
class OfflineCommandsTest {

    /** Classes whose loading would mean a command started more than it needs. */
    private static final List<String> NOT_LOADED = List.of("org.springframework.boot.SpringApplication ",
            "org.springframework.context.support.AbstractApplicationContext ", "org.apache.catalina.",
            "ai.onnxruntime.", "dev.langchain4j.", "dev.cairn.memory.");

    @TempDir
    Path dir;

    private record Run(int exit, String stdout, String classes) {
    }

    /** Runs {@code cairn args} in a fresh JVM on this test's class path, noting every class it loads. */
    private Run inOwnJvm(String... args) throws Exception {
        Path classes = Files.createTempFile(dir, "classes", ".log");
        Path stdout = Files.createTempFile(dir, "stdout", ".txt");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xlog:class+load=info:file=" + classes,
                "-cp", System.getProperty("java.class.path"), CairnApplication.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(stdout.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().keySet().removeIf(name -> name.startsWith("CAIRN_"));
        Process process = builder.start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("cairn " + String.join(" ", args) + " still runs after 120 s");
        }
        return new Run(process.exitValue(), Files.readString(stdout), Files.readString(classes));
    }

    @Test
    void keysExportAndVerifyStartNoSpringApplicationNorTheEmbeddingModel() throws Exception {
        String data = dir.resolve("data").toString();
        Run created = inOwnJvm("keys", "create", "--data-dir", data, "--workspace", "w", "--name", "n", "--admin");
        assertThat(created.exit()).isZero();
        assertThat(created.stdout()).startsWith("ck_");
        assertThat(created.classes()).as("the JVM's class log").contains("dev.cairn.access.ApiKeyService ");

        Path bundle = dir.resolve("bundle");
        Run exported = inOwnJvm("export", "audit", "--data-dir", data, "--out", bundle.toString());
        assertThat(exported.exit()).isZero();
        assertThat(exported.stdout()).contains("exported 1 of 1 entries"); // the key: a command records no configuration

        Run verified = inOwnJvm("verify", "--dir", bundle.toString(), "--state", dir.resolve("state").toString());
        assertThat(verified.exit()).isZero();
        assertThat(verified.stdout()).contains("1 entries hashed").endsWith("OK\n");
        assertThat(verified.classes()).doesNotContain("org.springframework.");

        for (Run run : List.of(created, exported, verified)) {
            for (String name : NOT_LOADED) {
                assertThat(run.classes()).as("loaded " + name).doesNotContain("] " + name);
            }
        }
    }

    @Test
    void aCommandUsesTheDataDirItsConfigFileNames() throws Exception {
        Path data = dir.resolve("from-config");
        Path config = Files.writeString(dir.resolve("cairn.yaml"), "cairn:\n  data-dir: " + data + "\n");

        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = CairnCommand.commandLine().execute("keys", "create", "--config", config.toString(),
                    "--workspace", "w", "--name", "n");
        } finally {
            System.setOut(original);
        }

        assertThat(exit).isZero();
        assertThat(captured.toString(StandardCharsets.UTF_8)).matches("ck_[A-Za-z0-9_-]{43}\\R");
        assertThat(data.resolve("cairn.db")).exists();
        assertThat(data.resolve("audit/master.key")).exists();
    }
}
