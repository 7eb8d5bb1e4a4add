package dev.cairn.cli;

import static dev.cairn.support.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;

import dev.cairn.support.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn log vkey}, {@code cairn export audit} and {@code cairn verify --dir} on a data dir
 * without a server, and what a changed byte in a bundle or in the database does to them.
 */
class AuditCliTest {

    @TempDir
    Path dir;

    @Test
    void exportsABundleThatVerifiesOfflineUntilAByteChanges() throws Exception {
        Path data = dir.resolve("data");
        for (int i = 0; i < 4; i++) {
            assertThat(run("keys", "create", "--data-dir", data.toString(), "--workspace", "w", "--name", "k" + i).exit()).isZero();
        }
        CliRun vkey = run("log", "vkey", "--data-dir", data.toString());
        assertThat(vkey.exit()).isZero();
        assertThat(vkey.stdout().strip()).matches("cairn\\.local/log-[0-9a-f]{8}\\+[0-9a-f]{8}\\+[A-Za-z0-9+/=]+");
        assertThat(Files.getPosixFilePermissions(data.resolve("audit/signing.key")).toString()).isEqualTo("[OWNER_READ, OWNER_WRITE]");
        assertThat(Files.getPosixFilePermissions(data.resolve("audit/master.key")).toString()).isEqualTo("[OWNER_READ, OWNER_WRITE]");

        Path bundle = dir.resolve("bundle");
        CliRun export = run("export", "audit", "--data-dir", data.toString(), "--out", bundle.toString());
        assertThat(export.exit()).as(export.stderr()).isZero();
        assertThat(export.stdout()).contains("exported 4 of 4 entries"); // four keys (a command records no configuration)
        Path state = dir.resolve("witness.checkpoint");

        CliRun verified = run("verify", "--dir", bundle.toString(), "--vkey", vkey.stdout().strip(), "--state", state.toString(), "--entry", "2");
        assertThat(verified.exit()).as(verified.stderr()).isZero();
        assertThat(verified.stdout()).contains("signature OK", "4 entries hashed", "entry 2: included", "OK");
        assertThat(state).exists();

        Path entries = bundle.resolve("tile/entries/000.p/4");
        byte[] original = Files.readAllBytes(entries);
        byte[] changed = original.clone();
        changed[changed.length - 3] ^= 0x01; // inside the last entry
        Files.write(entries, changed);
        CliRun tampered = run("verify", "--dir", bundle.toString(), "--vkey", vkey.stdout().strip(), "--state", state.toString());
        assertThat(tampered.exit()).isEqualTo(1);
        assertThat(tampered.stderr()).contains("FAILED: entry 3:");
        Files.write(entries, original);

        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("cairn.db"));
             PreparedStatement update = db.prepareStatement(
                     "UPDATE audit_entries SET data = REPLACE(data, 'k2', 'kX') WHERE idx = 2")) {
            update.executeUpdate();
        }
        Path second = dir.resolve("bundle-after-db-change");
        assertThat(run("export", "audit", "--data-dir", data.toString(), "--out", second.toString()).exit()).isZero();
        CliRun fromDatabase = run("verify", "--dir", second.toString(), "--vkey", vkey.stdout().strip(), "--state", state.toString());
        assertThat(fromDatabase.exit()).isEqualTo(1);
        assertThat(fromDatabase.stderr()).contains("FAILED: entry 2:");
    }
}
