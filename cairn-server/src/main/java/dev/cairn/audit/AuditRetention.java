package dev.cairn.audit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.cairn.ledger.TileId;
import dev.cairn.platform.PeriodicTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Moves entries older than the hot period to the {@link AuditArchive}, one full entry bundle at a
 * time and only when all of its 256 entries are past the period. The bundle is on disk before the
 * database drops its copy; hashes never leave the database, so proofs and checkpoints are untouched.
 */
@Component
public class AuditRetention implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(AuditRetention.class);
    /** The EU AI Act (Art. 19, 26) asks deployers to keep logs for at least six months. */
    static final Duration LEGAL_MINIMUM = Duration.ofDays(183);

    private final AuditRepository repository;
    private final AuditArchive archive;
    private final TransactionTemplate transactions;
    private final Duration hotPeriod;
    private final Duration interval;
    private final Clock clock;
    private PeriodicTask scheduler;
    private volatile boolean running;

    @Autowired
    public AuditRetention(AuditRepository repository, AuditArchive archive, TransactionTemplate transactions,
                          AuditProperties audit) {
        this(repository, archive, transactions, audit.retention(), Clock.systemUTC());
    }

    AuditRetention(AuditRepository repository, AuditArchive archive, TransactionTemplate transactions,
                   AuditProperties.Retention retention, Clock clock) {
        if (retention.hotPeriod().compareTo(LEGAL_MINIMUM) < 0 && !retention.force()) {
            throw new IllegalStateException("cairn.audit.retention.hot-period is " + retention.hotPeriod().toDays()
                    + " days; the EU AI Act asks for at least six months (183 days). Set "
                    + "cairn.audit.retention.force=true to keep less anyway.");
        }
        this.repository = repository;
        this.archive = archive;
        this.transactions = transactions;
        this.hotPeriod = retention.hotPeriod();
        this.interval = retention.interval();
        this.clock = clock;
    }

    /** Archives every full bundle whose newest entry is past the hot period; returns how many. */
    public int archiveDue() {
        Instant cutoff = clock.instant().minus(hotPeriod);
        long size = repository.size();
        int archived = 0;
        for (long bundle = repository.firstHotIndex() / TileId.WIDTH; (bundle + 1) * TileId.WIDTH <= size; bundle++) {
            long first = bundle * TileId.WIDTH;
            long end = first + TileId.WIDTH;
            Instant newest = repository.createdAt(end - 1).orElse(Instant.MAX);
            if (!newest.isBefore(cutoff)) {
                break; // entries are in time order, so every later bundle is newer still
            }
            List<byte[]> entries = repository.entryData(first, end);
            if (entries.stream().anyMatch(e -> e == null)) {
                continue; // archived already, by an earlier run that stopped half-way
            }
            archive.write(bundle, entries, repository.blobs(first, end));
            transactions.executeWithoutResult(status -> repository.releaseArchived(first, end));
            archived++;
        }
        if (archived > 0) {
            log.info("Moved {} audit entry bundles older than {} days to {}", archived, hotPeriod.toDays(), archive.root());
        }
        return archived;
    }

    @Override
    public void start() {
        scheduler = PeriodicTask.start("cairn-audit-retention", Duration.ofSeconds(1), interval, this::archiveDue);
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

    @Override
    public int getPhase() {
        return 2;
    }
}
