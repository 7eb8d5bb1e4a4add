package dev.cairn.compliance.status;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import dev.cairn.audit.AuditArchive;
import dev.cairn.audit.AuditProperties;
import dev.cairn.audit.AuditRepository;
import dev.cairn.audit.EntryStore;
import dev.cairn.audit.StoredEntry;
import dev.cairn.ledger.Hashes;
import dev.cairn.platform.JsonBodies;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ObjectNode;

/**
 * Logs are kept for at least six months: the hot period is configured that long, and the log's
 * first entry can still be read, from the database or from the archive retention moved it to.
 * Reading entry 0 is what shows nothing was dropped: the log only ever grows at its end.
 */
@Component
@Order(1)
public class RetentionCheck implements StatusCheck {

    /** Six months, as {@code AuditRetention} counts them. */
    /** The EU AI Act's six months (Art. 19, 26(6)), as days a retention must reach. */
    public static final Duration SIX_MONTHS = Duration.ofDays(183);
    private static final Duty DUTY = new Duty("retention", "Logs are kept for at least six months",
            List.of("EU AI Act Art. 19", "EU AI Act Art. 26(6)"));

    private final AuditProperties.Retention retention;
    private final AuditRepository repository;
    private final EntryStore entries;
    private final Path archiveDir;
    private final Clock clock;

    @Autowired
    RetentionCheck(AuditProperties audit, AuditRepository repository, EntryStore entries, AuditArchive archive) {
        this(audit.retention(), repository, entries, archive.root(), Clock.systemUTC());
    }

    RetentionCheck(AuditProperties.Retention retention, AuditRepository repository, EntryStore entries,
                   Path archiveDir, Clock clock) {
        this.retention = retention;
        this.repository = repository;
        this.entries = entries;
        this.archiveDir = archiveDir;
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
        Duration hot = retention.hotPeriod();
        observed.put("hot_period_days", hot.toDays());
        if (hot.compareTo(SIX_MONTHS) < 0) {
            problems.add("cairn.audit.retention.hot-period is " + days(hot)
                    + (retention.force() ? ", forced with cairn.audit.retention.force," : "")
                    + " under the six months (183 days) the EU AI Act asks for: set it to 183d or more"
                    + (retention.force() ? " and drop cairn.audit.retention.force." : "."));
        }

        long size = repository.size();
        long archived = size == 0 ? 0 : repository.firstHotIndex();
        observed.put("archived_entries", archived);
        observed.put("archive_dir", archiveDir.toString());
        if (size == 0) {
            observed.putNull("oldest_index");
            observed.putNull("oldest_time");
            observed.putNull("oldest_age_days");
        } else {
            observed.put("oldest_index", 0);
            oldestReadable(observed).ifPresent(problems::add);
        }
        if (archived > 0 && !(Files.isDirectory(archiveDir) && Files.isReadable(archiveDir))) {
            problems.add("The audit archive " + archiveDir + " holds entries 0 to " + (archived - 1)
                    + " but is not a readable directory: restore it from its backup, or point "
                    + "cairn.audit.retention.archive-dir at where it is.");
        }

        if (!problems.isEmpty()) {
            return DUTY.fail(String.join(" ", problems), observed);
        }
        return DUTY.pass(size == 0
                ? "The hot period is " + days(hot) + " and the log has no entries yet."
                : "The hot period is " + days(hot) + " and the log's first entry is still readable"
                        + (archived > 0 ? ", from the archive, which holds " + archived + " entries." : ", from the database."),
                observed);
    }

    /** A problem with entry 0, or empty when it is there, readable and unchanged. */
    private Optional<String> oldestReadable(ObjectNode observed) {
        Optional<StoredEntry> oldest = repository.findByIndex(0);
        if (oldest.isEmpty()) {
            observed.putNull("oldest_time");
            observed.putNull("oldest_age_days");
            return Optional.of("Entry 0, the log's first, is missing from the database: the log lost its oldest "
                    + "records; restore the database from a backup that holds them.");
        }
        StoredEntry entry = oldest.get();
        observed.put("oldest_time", entry.createdAt().toString());
        observed.put("oldest_age_days", Duration.between(entry.createdAt(), clock.instant()).toDays());
        byte[] data;
        try {
            data = entries.data(entry);
        } catch (RuntimeException e) {
            return Optional.of("Entry 0, the log's first, cannot be read from the database or the archive ("
                    + e.getMessage() + "): restore the archive directory " + archiveDir + " from its backup.");
        }
        byte[] leaf = repository.tile(0, 0, 1);
        if (leaf == null || !Arrays.equals(leaf, Hashes.leafHash(data))) {
            return Optional.of("Entry 0, the log's first, does not match its leaf hash in the tree: its stored bytes "
                    + "were changed; restore them from a backup and run 'cairn verify'.");
        }
        return Optional.empty();
    }

    private static String days(Duration period) {
        long days = period.toDays();
        return days == 1 ? "1 day" : days + " days";
    }
}
