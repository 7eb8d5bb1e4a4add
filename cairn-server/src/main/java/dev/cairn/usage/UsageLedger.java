package dev.cairn.usage;

import java.time.Duration;
import java.util.List;

import dev.cairn.platform.BatchWriter;
import dev.cairn.platform.WriteGate;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Records usage events off the request path: requests hand events to a {@link BatchWriter}, whose
 * thread inserts what has gathered over up to 200 ms, 500 rows per transaction,
 * so that SQLite's single writer keeps up at thousands of requests per second while the audit
 * log's commits, which requests wait for, seldom queue behind one (both pass the
 * {@link WriteGate}). When the queue is full a request waits rather than lose its event; at
 * shutdown the queue is drained before the database closes.
 */
@Component
public class UsageLedger {

    private static final Logger log = LoggerFactory.getLogger(UsageLedger.class);
    private static final int BATCH = 2000;
    /**
     * Rows per transaction. An audit commit that meets one at the gate waits for it, and its sync
     * (a few tenths of a millisecond) is most of that wait, whatever the rows. So at 1,000 req/s,
     * one transaction per gathering (200 rows) rather than four of 50 made 0.36 % of audit commits
     * wait 250 µs or more instead of 1.3 %, with waits no longer (BENCHMARKS.md, usage writer).
     */
    private static final int ROWS_PER_TRANSACTION = 500;
    private static final Duration GATHER = Duration.ofMillis(200);

    private final UsageRepository repository;
    private final TransactionTemplate transactions;
    private final WriteGate gate;
    private final BatchWriter<UsageEvent> writer;

    public UsageLedger(UsageRepository repository, TransactionTemplate transactions, WriteGate gate) {
        this.repository = repository;
        this.transactions = transactions;
        this.gate = gate;
        // Gathers for a moment before writing: one transaction of hundreds of rows costs SQLite
        // little more than one of a single row, and no request waits for these.
        this.writer = new BatchWriter<>("cairn-usage-writer", 100_000, BATCH, GATHER, this::writeAll);
    }

    public void record(UsageEvent event) {
        writer.submit(event);
    }

    /** Waits until every event recorded before this call is in the database (tests, shutdown). */
    public void flush() {
        writer.flush(Duration.ofSeconds(30));
    }

    private void writeAll(List<UsageEvent> batch) throws InterruptedException {
        for (int from = 0; from < batch.size(); from += ROWS_PER_TRANSACTION) {
            write(batch.subList(from, Math.min(batch.size(), from + ROWS_PER_TRANSACTION)));
        }
    }

    private void write(List<UsageEvent> batch) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try (WriteGate.Held held = gate.hold()) {
                transactions.executeWithoutResult(status -> repository.insertAll(batch));
                return;
            } catch (RuntimeException e) {
                if (!writer.running() || attempt >= 5) {
                    log.error("Dropped {} usage events after {} failed attempts", batch.size(), attempt, e);
                    return;
                }
                log.warn("Writing {} usage events failed (attempt {}), retrying", batch.size(), attempt, e);
                Thread.sleep(200L * attempt);
            }
        }
    }

    @PreDestroy
    void close() throws InterruptedException {
        writer.close();
    }
}
