package dev.cairn.compliance.status;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import com.zaxxer.hikari.HikariDataSource;
import dev.cairn.audit.AuditArchive;
import dev.cairn.audit.AuditEvent;
import dev.cairn.audit.AuditLog;
import dev.cairn.audit.AuditProperties;
import dev.cairn.audit.AuditRepository;
import dev.cairn.audit.AuditSequencer;
import dev.cairn.audit.CheckpointPublisher;
import dev.cairn.audit.EntryStore;
import dev.cairn.audit.KeyFiles;
import dev.cairn.audit.KeyWrappingProperties;
import dev.cairn.audit.LogIdentity;
import dev.cairn.audit.MasterKey;
import dev.cairn.audit.SubjectKeys;
import dev.cairn.platform.DatabaseConfig;
import dev.cairn.platform.DatabaseProperties;
import dev.cairn.platform.Dialect;
import dev.cairn.platform.Ids;
import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.PlatformProperties;
import dev.cairn.platform.WriteGate;
import dev.cairn.support.Settings;
import dev.cairn.support.TestDatabases;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.node.ObjectNode;

/**
 * A real audit log for unit tests of the checks, built as the server builds it: the server's SQLite
 * pool and migrations in {@code dataDir} (or a PostgreSQL schema), the master and signing keys in their key files there
 * (mode 0600, deleted with the test's temp dir), a running sequencer, and a checkpoint publisher
 * that signs only when asked. Settings are {@code cairn.audit.*} and {@code cairn.db.*} pairs.
 */
final class StatusCheckFixture implements AutoCloseable {

    static final String WORKSPACE = "ws-compliance";

    final Path dataDir;
    final PlatformProperties platform;
    final AuditProperties audit;
    final DatabaseProperties database;
    final KeyFiles keyFiles;
    final HikariDataSource dataSource;
    final JdbcClient jdbc;
    final AuditRepository repository;
    final AuditSequencer sequencer;
    final MasterKey masterKey;
    final SubjectKeys subjectKeys;
    final AuditLog log;
    final LogIdentity identity;
    final CheckpointPublisher checkpoints;
    final AuditArchive archive;
    final EntryStore entries;

    /** Drops what the database holds: the SQLite file goes with the temp dir, a PostgreSQL schema here. */
    private final Runnable dropDatabase;

    private StatusCheckFixture(Path dataDir, Map<String, String> settings, TestDatabases.TestDatabase postgres) {
        settings.put("cairn.data-dir", dataDir.toString());
        this.dataDir = dataDir;
        this.platform = Settings.bind("cairn", PlatformProperties.class, settings);
        this.audit = Settings.bind("cairn.audit", AuditProperties.class, settings);
        this.database = Settings.bind("cairn.db", DatabaseProperties.class, settings);
        this.keyFiles = new KeyFiles(audit, platform, Settings.bind("cairn.keys", KeyWrappingProperties.class, settings));
        if (postgres == null) {
            this.dataSource = DatabaseConfig.open(platform, database);
            Flyway.configure().dataSource(dataSource).locations("classpath:db/migration/sqlite").load().migrate();
            this.dropDatabase = dataSource::close;
        } else {
            this.dataSource = postgres.dataSource();
            this.dropDatabase = postgres::close;
        }
        this.jdbc = JdbcClient.create(dataSource);
        this.repository = new AuditRepository(dataSource, jdbc, WriteGate.of(Dialect.of(dataSource)));
        this.sequencer = new AuditSequencer(repository, 64);
        this.masterKey = new MasterKey(audit, keyFiles);
        this.subjectKeys = SubjectKeys.create(jdbc, masterKey);
        this.log = new AuditLog(sequencer, subjectKeys, masterKey, audit);
        this.identity = new LogIdentity(audit, keyFiles);
        this.checkpoints = new CheckpointPublisher(sequencer, repository, identity, audit);
        this.archive = new AuditArchive(audit, platform);
        this.entries = new EntryStore(repository, archive);
    }

    static StatusCheckFixture open(Path dataDir, String... settings) {
        return started(new StatusCheckFixture(dataDir, Settings.of(settings), null));
    }

    /** The same on a fresh schema of the machine's PostgreSQL; the key files still go in {@code dataDir}. */
    static StatusCheckFixture onPostgresql(Path dataDir, String... settings) {
        return started(new StatusCheckFixture(dataDir, Settings.of(settings), TestDatabases.postgres()));
    }

    private static StatusCheckFixture started(StatusCheckFixture fixture) {
        fixture.sequencer.start();
        return fixture;
    }

    /** Records an event without personal content at {@code time}; its index. */
    long append(String type, Instant time) {
        ObjectNode data = JsonBodies.JSON.createObjectNode().put("n", 1);
        return log.append(new AuditEvent(type, Ids.newId("evt"), time, WORKSPACE, null, null, null, data, null)).join();
    }

    /** Records an exchange of {@code subject}'s, sealed under the subject's data key (made now if it has none). */
    long appendPersonal(String subject) {
        ObjectNode personal = JsonBodies.JSON.createObjectNode().put("messages", "hello from " + subject);
        return log.append(new AuditEvent("gateway.chat.completions", Ids.newId("req"), Instant.now(), WORKSPACE, null,
                null, subject, JsonBodies.JSON.createObjectNode(), personal)).join();
    }

    /** Erases a subject as {@code POST /v1/audit/subjects/{subject}/erase} does; the entry's index. */
    long erase(String subject) {
        String subjectId = subjectId(subject);
        int destroyed = subjectKeys.erase(subjectId).size();
        ObjectNode data = JsonBodies.JSON.createObjectNode().put("subject", subjectId).put("keys_destroyed", destroyed);
        return log.append(new AuditEvent("subject.erased", Ids.newId("evt"), Instant.now(), WORKSPACE, null, null, null,
                data, null)).join();
    }

    String subjectId(String subject) {
        return masterKey.subjectId(WORKSPACE, subject);
    }

    @Override
    public void close() {
        sequencer.stop();
        dropDatabase.run();
    }
}
