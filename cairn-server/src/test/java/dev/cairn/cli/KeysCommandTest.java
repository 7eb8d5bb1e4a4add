package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import dev.cairn.access.ApiKeyRepository;
import dev.cairn.access.ApiKeyService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;

/** {@code cairn keys} works on a data dir with no server running and prints only what it must. */
class KeysCommandTest {

    @TempDir
    Path dataDir;

    private record Run(int exit, String stdout) {
    }

    private Run run(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            int exit = CairnCommand.commandLine().execute(args);
            return new Run(exit, captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(original);
        }
    }

    @Test
    void createPrintsOnlyTheSecretAndTheKeyWorksFromTheDatabase() {
        Run created = run("keys", "create", "--data-dir", dataDir.toString(), "--workspace", "team", "--name", "laptop", "--admin");

        assertThat(created.exit()).isZero();
        assertThat(created.stdout()).matches("ck_[A-Za-z0-9_-]{43}\\R");
        String secret = created.stdout().strip();

        try (var db = new com.zaxxer.hikari.HikariDataSource()) {
            db.setJdbcUrl("jdbc:sqlite:" + dataDir.resolve("cairn.db"));
            ApiKeyService keys = new ApiKeyService(new ApiKeyRepository(JdbcClient.create(db)), event -> { });
            var principal = keys.authenticate(secret);
            assertThat(principal.workspace()).isEqualTo("team");
            assertThat(principal.admin()).isTrue();
        }

        Run listed = run("keys", "list", "--data-dir", dataDir.toString());
        assertThat(listed.stdout()).contains("team", "laptop", "active").doesNotContain(secret);
        String id = listed.stdout().lines().skip(1).findFirst().orElseThrow().split("\\s+")[0];

        Run revoked = run("keys", "revoke", "--data-dir", dataDir.toString(), id);
        assertThat(revoked.exit()).isZero();
        assertThat(run("keys", "list", "--data-dir", dataDir.toString()).stdout()).contains("revoked");
    }

    @Test
    void aKeyCommandRecordsItsActionButNoConfigurationChange() {
        assertThat(run("keys", "create", "--data-dir", dataDir.toString(), "--workspace", "team", "--name", "ci").exit()).isZero();
        try (var db = new com.zaxxer.hikari.HikariDataSource()) {
            db.setJdbcUrl("jdbc:sqlite:" + dataDir.resolve("cairn.db"));
            var types = JdbcClient.create(db).sql("SELECT type FROM audit_entries ORDER BY idx").query(String.class).list();
            assertThat(types).contains("admin.key.created").doesNotContain("admin.config.changed");
        }
    }

    @Test
    void anAnnotatorKeyIsCreatedWithItsRole() {
        Run created = run("keys", "create", "--data-dir", dataDir.toString(), "--workspace", "team", "--name", "rater", "--annotator");
        assertThat(created.exit()).isZero();
        try (var db = new com.zaxxer.hikari.HikariDataSource()) {
            db.setJdbcUrl("jdbc:sqlite:" + dataDir.resolve("cairn.db"));
            ApiKeyService keys = new ApiKeyService(new ApiKeyRepository(JdbcClient.create(db)), event -> { });
            assertThat(keys.authenticate(created.stdout().strip()).role()).isEqualTo(dev.cairn.access.Role.ANNOTATOR);
        }
        assertThat(run("keys", "list", "--data-dir", dataDir.toString()).stdout()).contains("rater", "annotator");
    }

    @Test
    void aNameWithAControlOrBidiOverrideCharacterIsRefusedWithAClearMessage() {
        for (String name : new String[] {"lap\u0000top", "admin\u202Egpj.exe", "x".repeat(101)}) {
            PrintStream original = System.err;
            ByteArrayOutputStream errors = new ByteArrayOutputStream();
            System.setErr(new PrintStream(errors, true, StandardCharsets.UTF_8));
            Run created;
            try {
                created = run("keys", "create", "--data-dir", dataDir.toString(), "--workspace", "team", "--name", name);
            } finally {
                System.setErr(original);
            }
            assertThat(created.exit()).isEqualTo(1);
            assertThat(created.stdout()).isEmpty();
            assertThat(errors.toString(StandardCharsets.UTF_8)).contains("cairn keys create: 'name'");
        }
    }

    @Test
    void missingOptionsAndUnknownKeysFail() {
        assertThat(run("keys", "create", "--data-dir", dataDir.toString(), "--name", "x").exit()).isNotZero();
        Run unknown = run("keys", "revoke", "--data-dir", dataDir.toString(), "key_nope");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.stdout()).isEmpty();
        assertThat(run("keys", "create", "--config", dataDir.resolve("missing.yaml").toString(),
                "--workspace", "w", "--name", "n").exit()).isNotZero();
    }

}
