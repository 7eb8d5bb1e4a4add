package dev.cairn.cli;

import java.util.ArrayDeque;
import java.util.Deque;

import dev.cairn.audit.AdminActionRecorder;
import dev.cairn.audit.AuditArchive;
import dev.cairn.audit.AuditExporter;
import dev.cairn.audit.AuditLog;
import dev.cairn.audit.AuditProperties;
import dev.cairn.audit.AuditRepository;
import dev.cairn.audit.AuditSequencer;
import dev.cairn.audit.CheckpointPublisher;
import dev.cairn.audit.EntryStore;
import dev.cairn.audit.KeyFiles;
import dev.cairn.audit.LogIdentity;
import dev.cairn.audit.MasterKey;
import dev.cairn.audit.SubjectKeys;
import dev.cairn.datasets.DatasetBundleWriter;
import dev.cairn.platform.AdminAction;
import dev.cairn.platform.PlatformProperties;
import org.springframework.context.ApplicationEventPublisher;

/**
 * The parts of the audit log a command uses, built and started as the server starts them, and
 * stopped in the reverse order when the command ends. Its sequencer writes beside a running server
 * as a second server would: whichever commits an index first keeps it, the other sequences again.
 */
final class OfflineAudit implements AutoCloseable {

    private final AuditProperties config;
    private final PlatformProperties platform;
    private final KeyFiles keyFiles;
    private final OfflineDatabase database;
    private final AuditRepository repository;
    private final AuditSequencer sequencer;
    private final Deque<Runnable> stops = new ArrayDeque<>();

    private OfflineAudit(OfflineSettings settings, OfflineDatabase database) {
        this.config = settings.audit();
        this.platform = settings.platform();
        this.keyFiles = settings.keyFiles();
        this.database = database;
        this.repository = new AuditRepository(database.dataSource(), database.jdbc(), database.gate());
        this.sequencer = new AuditSequencer(repository, config.maxBatch());
    }

    /** The log opened at its committed head. */
    static OfflineAudit open(OfflineSettings settings, OfflineDatabase database) {
        OfflineAudit audit = new OfflineAudit(settings, database);
        audit.sequencer.start();
        audit.stops.push(audit.sequencer::stop);
        return audit;
    }

    /**
     * The event publisher of the services a command builds: it records their admin actions, as the
     * server's does. Unlike the server's start it records no configuration: a command configures
     * nothing that serves requests (its settings, often just the defaults, are not the server's),
     * so an {@code admin.config.changed} entry from it would claim a change that did not happen.
     */
    ApplicationEventPublisher adminActions() {
        MasterKey masterKey = new MasterKey(config, keyFiles);
        AuditLog log = new AuditLog(sequencer, SubjectKeys.create(database.jdbc(), masterKey), masterKey, config);
        AdminActionRecorder recorder = new AdminActionRecorder(log);
        return event -> {
            if (!(event instanceof AdminAction action)) {
                throw new IllegalArgumentException("a command publishes only admin actions, not " + event);
            }
            recorder.on(action);
        };
    }

    /** Writes export bundles, signing a checkpoint of the current tree first when the latest does not cover it. */
    AuditExporter exporter() {
        LogIdentity identity = new LogIdentity(config, keyFiles);
        return new AuditExporter(repository, entryStore(), checkpoints(identity), identity);
    }

    /** Writes dataset bundles, with proofs under the checkpoints the log has signed (or signs now). */
    DatasetBundleWriter datasetWriter() {
        return DatasetBundleWriter.create(database.dataSource(), database.jdbc(), repository, entryStore(),
                checkpoints(new LogIdentity(config, keyFiles)));
    }

    private EntryStore entryStore() {
        return new EntryStore(repository, new AuditArchive(config, platform));
    }

    private CheckpointPublisher checkpoints(LogIdentity identity) {
        CheckpointPublisher checkpoints = new CheckpointPublisher(sequencer, repository, identity, config);
        checkpoints.start();
        stops.push(checkpoints::stop);
        return checkpoints;
    }

    @Override
    public void close() {
        while (!stops.isEmpty()) {
            stops.pop().run();
        }
    }
}
