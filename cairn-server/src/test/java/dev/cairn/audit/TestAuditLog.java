package dev.cairn.audit;

import java.security.SecureRandom;
import java.util.Map;

import javax.sql.DataSource;

import dev.cairn.support.Settings;
import dev.cairn.platform.Dialect;
import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.WriteGate;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * A real audit log on a test database, for tests outside this package: enabled with sync
 * durability, its entries sequenced and committed, personal content sealed under a master key
 * that exists only in memory (no key file is written anywhere), and entries read back opened.
 * Closing stops the sequencer; the database is the caller's to close after.
 */
public final class TestAuditLog implements AutoCloseable {

    private final AuditRepository repository;
    private final AuditSequencer sequencer;
    private final SealedContent sealed;
    private final AuditLog log;

    private TestAuditLog(DataSource source) {
        AuditProperties properties = Settings.bind("cairn.audit", AuditProperties.class, Map.of());
        byte[] master = new byte[32];
        new SecureRandom().nextBytes(master);
        MasterKey masterKey = new MasterKey(master);
        SubjectKeys subjectKeys = new SubjectKeys(new DataKeyRepository(JdbcClient.create(source)), masterKey);
        this.repository = new AuditRepository(source, JdbcClient.create(source), WriteGate.of(Dialect.of(source)));
        this.sequencer = new AuditSequencer(repository, 64);
        this.sealed = new SealedContent(subjectKeys, null); // entries in these tests are small: their content is inline
        this.log = new AuditLog(sequencer, subjectKeys, masterKey, properties);
    }

    /** Starts a log on {@code source}, a migrated database. */
    public static TestAuditLog on(DataSource source) {
        TestAuditLog audit = new TestAuditLog(source);
        audit.sequencer.start();
        return audit;
    }

    public AuditLog log() {
        return log;
    }

    /** The committed entry of {@code eventId}, as its canonical JSON; null when there is none. */
    public JsonNode entry(String eventId) {
        return repository.findByEventId(eventId).map(stored -> JsonBodies.JSON.readTree(stored.data())).orElse(null);
    }

    /** The opened sealed content of {@code eventId}'s entry; null when it has none. */
    public JsonNode personal(String eventId) {
        StoredEntry stored = repository.findByEventId(eventId).orElseThrow();
        return sealed.open(stored, JsonBodies.JSON.readTree(stored.data())).content();
    }

    @Override
    public void close() {
        sequencer.stop();
    }
}
