package dev.cairn.audit;

import java.time.Duration;
import java.time.Instant;

import dev.cairn.ledger.Checkpoint;
import dev.cairn.ledger.VerificationException;
import dev.cairn.platform.PeriodicTask;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Signs a C2SP checkpoint of the committed tree whenever it has grown, every
 * {@code cairn.audit.checkpoint-interval}, and on demand when a proof needs one that covers a newer
 * entry. Every checkpoint is kept, so that any earlier one can be proven consistent with a later one.
 */
@Component
public class CheckpointPublisher implements SmartLifecycle {

    /** A checkpoint and its signed note as published. */
    public record Signed(Checkpoint checkpoint, String note) {
    }

    private final AuditSequencer sequencer;
    private final AuditRepository repository;
    private final LogIdentity identity;
    private final Duration interval;
    private PeriodicTask scheduler;
    private volatile Signed latest;
    private volatile boolean running;

    public CheckpointPublisher(AuditSequencer sequencer, AuditRepository repository, LogIdentity identity,
                               AuditProperties audit) {
        this.sequencer = sequencer;
        this.repository = repository;
        this.identity = identity;
        this.interval = audit.checkpointInterval();
    }

    /** The newest checkpoint, signing one first if none exists yet. */
    public Signed latest() {
        Signed current = latest;
        return current != null ? current : publish();
    }

    /** A checkpoint that includes entry {@code index}, signing a new one if the latest does not. */
    public Signed covering(long index) {
        Signed current = latest();
        return current.checkpoint().size() > index ? current : publish();
    }

    /** Signs the committed tree unless the latest checkpoint already has its size. */
    public synchronized Signed publish() {
        AuditSequencer.TreeHead head = sequencer.head();
        Signed current = latest;
        if (current != null && current.checkpoint().size() >= head.size()) {
            return current;
        }
        Checkpoint checkpoint = new Checkpoint(identity.origin(), head.size(), head.rootHash());
        String note = identity.signer().sign(checkpoint.body());
        repository.insertCheckpoint(checkpoint.size(), note, Instant.now());
        latest = new Signed(checkpoint, note);
        return latest;
    }

    @Override
    public void start() {
        latest = repository.latestCheckpoint().map(this::parseStored).orElse(null);
        publish();
        Duration every = interval.compareTo(Duration.ofMillis(10)) < 0 ? Duration.ofMillis(10) : interval;
        scheduler = PeriodicTask.start("cairn-audit-checkpoints", every, every, this::publish);
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        if (scheduler != null) {
            scheduler.close();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** After the sequencer, which must be open before the first checkpoint is signed. */
    @Override
    public int getPhase() {
        return 1;
    }

    private Signed parseStored(String note) {
        try {
            return new Signed(Checkpoint.open(note, identity.verifier()), note);
        } catch (VerificationException e) {
            throw new IllegalStateException("the stored audit checkpoint does not verify with this log's key: "
                    + e.getMessage() + "; was the signing key replaced?", e);
        }
    }
}
