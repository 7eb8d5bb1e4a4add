package dev.cairn.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import java.util.stream.Stream;

import com.zaxxer.hikari.HikariDataSource;
import dev.cairn.support.Settings;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The data dir is its owner's only whatever the umask: made 0700 with a 0600 database whose WAL,
 * shared-memory and journal files SQLite makes with the database's mode, and an install made under
 * a looser umask tightened at the next start.
 */
@ExtendWith(OutputCaptureExtension.class)
class OwnerOnlyDataDirTest {

    @TempDir
    Path dir;

    @BeforeEach
    void theUmaskLetsOthersRead() throws IOException {
        // What the test is about: this JVM's umask (0022 here) makes plain new files 0644.
        Path probe = Files.createFile(dir.resolve("umask-probe"));
        assertThat(mode(probe)).isEqualTo("rw-r--r--");
        Files.delete(probe);
    }

    @Test
    void aNewDataDirIs0700AndTheDatabaseWithItsWalAndShm0600() throws IOException {
        Path dataDir = dir.resolve("new").resolve("data");
        try (HikariDataSource db = open(dataDir)) {
            JdbcClient jdbc = JdbcClient.create(db);
            jdbc.sql("CREATE TABLE t (x TEXT)").update();
            jdbc.sql("INSERT INTO t VALUES ('row')").update();

            assertThat(dataDir.resolve("cairn.db-wal")).exists();
            assertThat(dataDir.resolve("cairn.db-shm")).exists();
            assertThat(mode(dataDir)).isEqualTo("rwx------");
            assertThat(mode(dir.resolve("new"))).as("a parent it made").isEqualTo("rwx------");
            for (String file : new String[] {"cairn.db", "cairn.db-wal", "cairn.db-shm"}) {
                assertThat(mode(dataDir.resolve(file))).as(file).isEqualTo("rw-------");
            }
        }
    }

    @Test
    void sqliteGivesARollbackJournalTheModeOfTheDatabaseFile() throws Exception {
        Path database = dir.resolve("journal.db");
        DataDirectory.createDatabaseFile(database);
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
             Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA journal_mode=PERSIST"); // keeps the -journal after the commit to look at
            statement.execute("CREATE TABLE t (x TEXT)");
            statement.execute("INSERT INTO t VALUES ('row')");
        }
        assertThat(dir.resolve("journal.db-journal")).exists();
        assertThat(mode(database)).isEqualTo("rw-------");
        assertThat(mode(dir.resolve("journal.db-journal"))).isEqualTo("rw-------");
    }

    @Test
    void anInstallMadeUnderALooseUmaskIsTightenedOnceAtTheNextStart(CapturedOutput output) throws Exception {
        Path dataDir = Files.createDirectories(dir.resolve("data"));
        Path archive = Files.createDirectories(dataDir.resolve("audit").resolve("archive").resolve("000"));
        Path outside = Files.writeString(dir.resolve("outside.txt"), "not Cairn's");
        Files.writeString(dataDir.resolve("audit").resolve("master.key"), "key\n");
        Files.writeString(archive.resolve("001.bundle"), "entries");
        Files.createSymbolicLink(dataDir.resolve("link"), outside);
        for (Path path : new Path[] {dataDir, dataDir.resolve("audit"), archive.getParent(), archive}) {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        // A database SQLite made itself, as earlier versions let it: 0644 under this umask.
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("cairn.db"));
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE t (x TEXT)");
        }
        assertThat(mode(dataDir.resolve("cairn.db"))).isEqualTo("rw-r--r--");

        try (HikariDataSource db = open(dataDir)) {
            JdbcClient.create(db).sql("INSERT INTO t VALUES ('row')").update();
            assertOwnerOnly(dataDir);
        }
        try (HikariDataSource db = open(dataDir)) {
            assertOwnerOnly(dataDir);
        }

        assertThat(mode(outside)).as("a link's target outside the data dir").isEqualTo("rw-r--r--");
        assertThat(output.getOut().lines().filter(line -> line.contains("could open; they are now its owner's only")))
                .as("one line for the start that tightened, none for the one after").hasSize(1);
    }

    @Test
    void writingOverALooseFileLeavesItOwnerOnly() throws IOException {
        Path file = Files.writeString(dir.resolve("export.jsonl"), "old");
        try (OutputStream out = OwnerOnlyFiles.newOutputStream(file)) {
            out.write("new".getBytes());
        }
        OwnerOnlyFiles.write(dir.resolve("bundle").resolve("tiles").resolve("0"), new byte[] {1});
        OwnerOnlyFiles.replace(dir.resolve("replaced"), new byte[] {2});

        assertThat(Files.readString(file)).isEqualTo("new");
        assertThat(mode(file)).isEqualTo("rw-------");
        assertThat(mode(dir.resolve("bundle"))).isEqualTo("rwx------");
        assertThat(mode(dir.resolve("bundle").resolve("tiles"))).isEqualTo("rwx------");
        assertThat(mode(dir.resolve("bundle").resolve("tiles").resolve("0"))).isEqualTo("rw-------");
        assertThat(mode(dir.resolve("replaced"))).isEqualTo("rw-------");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(path -> path.getFileName().toString())).noneMatch(name -> name.endsWith(".tmp"));
        }
    }

    /** Every directory under {@code root} 0700 and every file 0600; links are not followed. */
    static void assertOwnerOnly(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.filter(Files::exists).toList()) {
                if (Files.isSymbolicLink(path)) {
                    continue;
                }
                assertThat(mode(path)).as(path.toString()).isEqualTo(Files.isDirectory(path) ? "rwx------" : "rw-------");
            }
        }
    }

    private static HikariDataSource open(Path dataDir) {
        Map<String, String> settings = Settings.of("cairn.data-dir", dataDir.toString());
        return DatabaseConfig.open(Settings.bind("cairn", PlatformProperties.class, settings),
                Settings.bind("cairn.db", DatabaseProperties.class, settings));
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    }
}
