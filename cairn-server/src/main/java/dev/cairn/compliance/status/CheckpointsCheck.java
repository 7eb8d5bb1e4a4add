package dev.cairn.compliance.status;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import dev.cairn.audit.AuditProperties;
import dev.cairn.audit.AuditRepository;
import dev.cairn.audit.LogIdentity;
import dev.cairn.ledger.Checkpoint;
import dev.cairn.ledger.MerkleProofs;
import dev.cairn.ledger.TileHashSource;
import dev.cairn.ledger.VerificationException;
import dev.cairn.platform.JsonBodies;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ObjectNode;

/**
 * The log's integrity can be shown to anyone: the latest checkpoint is signed by the log's key over
 * the root the stored tree has at its size, and no entry has waited longer than the checkpoint
 * interval (and a little) for a checkpoint that covers it.
 */
@Component
@Order(3)
class CheckpointsCheck implements StatusCheck {

    /** Room for a checkpoint being signed while the check looks, and for entries queued under load. */
    static final Duration GRACE = Duration.ofSeconds(5);
    private static final Duty DUTY = new Duty("checkpoints", "Signed checkpoints cover the log", List.of("EU AI Act Art. 12"));

    private final AuditRepository repository;
    private final LogIdentity identity;
    private final Duration interval;
    private final Clock clock;

    @Autowired
    CheckpointsCheck(AuditProperties audit, AuditRepository repository, LogIdentity identity) {
        this(repository, identity, audit.checkpointInterval(), Clock.systemUTC());
    }

    CheckpointsCheck(AuditRepository repository, LogIdentity identity, Duration interval, Clock clock) {
        this.repository = repository;
        this.identity = identity;
        this.interval = interval;
        this.clock = clock;
    }

    @Override
    public Duty duty() {
        return DUTY;
    }

    @Override
    public CheckResult check() {
        List<String> problems = new ArrayList<>();
        ObjectNode observed = JsonBodies.JSON.createObjectNode();
        Instant now = clock.instant();
        // The checkpoint first: the log only grows, so a size read after it is at least what it covers.
        Optional<String> note = repository.latestCheckpoint();
        long size = repository.size();
        observed.put("tree_size", size);
        observed.put("interval", interval.toString());

        long covered = 0;
        if (note.isEmpty()) {
            observed.putNull("checkpoint_size");
            observed.putNull("checkpoint_age_s");
        } else {
            try {
                Checkpoint checkpoint = Checkpoint.open(note.get(), identity.verifier());
                covered = checkpoint.size();
                observed.put("checkpoint_size", covered);
                Optional<Instant> signed = repository.checkpointCreatedAt(covered);
                if (signed.isPresent()) {
                    observed.put("checkpoint_age_s", Duration.between(signed.get(), now).toSeconds());
                } else {
                    observed.putNull("checkpoint_age_s");
                }
                if (covered > size) {
                    problems.add("The latest checkpoint covers " + covered + " entries but the database holds " + size
                            + ": entries were removed; restore the database from a backup and run 'cairn verify'.");
                } else if (covered > 0) {
                    rootProblem(checkpoint).ifPresent(problems::add);
                }
            } catch (VerificationException e) {
                observed.putNull("checkpoint_size");
                observed.putNull("checkpoint_age_s");
                problems.add("The latest checkpoint does not verify with the log's key " + identity.verifier().name()
                        + " (" + e.getMessage() + "), so it covers nothing: if the signing key was replaced, configure "
                        + "the log's original key (cairn.audit.signing-key or its key file).");
            }
        }

        if (size > covered) {
            Duration due = interval.plus(GRACE);
            Optional<Instant> recorded = repository.createdAt(covered);
            long age = recorded.map(at -> Duration.between(at, now).toSeconds()).orElse(0L);
            observed.put("oldest_uncovered_index", covered);
            observed.put("oldest_uncovered_age_s", age);
            if (recorded.isPresent() && Duration.between(recorded.get(), now).compareTo(due) > 0) {
                problems.add("Entry " + covered + " was recorded " + age + " s ago and no signed checkpoint covers it, "
                        + "though one is due every " + spoken(interval) + " (cairn.audit.checkpoint-interval): "
                        + "see whether the log has halted (/health/ready) and the server log for why checkpoints stopped.");
            }
        }

        if (!problems.isEmpty()) {
            return DUTY.fail(String.join(" ", problems), observed);
        }
        if (size == 0) {
            return DUTY.pass("The log has no entries yet, so there is nothing to cover.", observed);
        }
        return DUTY.pass(size == covered
                ? "The latest checkpoint verifies with the log's key and covers all " + size + " entries."
                : "The latest checkpoint verifies with the log's key and covers " + covered + " of " + size
                        + " entries; the newer ones are within the checkpoint interval.", observed);
    }

    private static String spoken(Duration period) {
        return period.toMillis() % 1000 == 0 ? period.toSeconds() + " s" : period.toMillis() + " ms";
    }

    /** Whether the stored tiles give the root the checkpoint signed for its size; a problem if not. */
    private Optional<String> rootProblem(Checkpoint checkpoint) {
        long size = checkpoint.size();
        byte[] root;
        try {
            root = MerkleProofs.rootHash(new TileHashSource(
                    tile -> repository.tile(tile.level(), tile.index(), tile.width()), size), size);
        } catch (IllegalStateException e) {
            return Optional.of("The stored tree cannot give the root of the latest checkpoint's " + size + " entries ("
                    + e.getMessage() + "): restore the database from a backup and run 'cairn verify'.");
        }
        if (!Arrays.equals(checkpoint.rootHash(), root)) {
            return Optional.of("The latest checkpoint's signed root for " + size + " entries is not the root of the "
                    + "stored tree: the stored log was changed; restore it from a backup and run 'cairn verify'.");
        }
        return Optional.empty();
    }
}
