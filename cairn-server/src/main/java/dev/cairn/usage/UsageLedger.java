package dev.cairn.usage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import dev.cairn.platform.BatchWriter;
import dev.cairn.platform.DurableWrites;
import dev.cairn.platform.WriteGate;
import dev.cairn.platform.WriterLane;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Records usage events, which budgets and billing read, so none may be lost once its request is
 * answered. Requests hand events to a {@link BatchWriter} whose thread, on the writers' own
 * connections ({@link WriterLane}), inserts whatever has queued up in one transaction (group
 * commit: up to 500 rows, behind the {@link WriteGate} with the audit log's commits) and then tells
 * each request that its row is in; the request waits for that before its answer ends
 * ({@link #awaitWritten}). A write that fails for a reason that may pass is retried until it is
 * written, never dropped; while it is retried the queue fills and requests wait to hand in theirs
 * (backpressure), and a request that waits past {@link DurableWrites#RECORD_TIMEOUT} is failed with
 * a 503, its event still queued. A row that cannot be written at all (a constraint) fails its own
 * request alone.
 */
@Component
public class UsageLedger {

    private static final Logger log = LoggerFactory.getLogger(UsageLedger.class);
    private static final int BATCH = 2000;
    /**
     * Rows per transaction. An audit commit that meets one at the gate waits for it, and its sync
     * (a few tenths of a millisecond) is most of that wait, whatever the rows.
     */
    private static final int ROWS_PER_TRANSACTION = 500;
    /** After the writer is closed, how often a failing write is still tried before its rows are given up. */
    private static final int ATTEMPTS_AFTER_CLOSE = 10;

    /** An event handed in, and the future its request waits on. */
    private record Pending(UsageEvent event, CompletableFuture<Void> written) {
    }

    private final UsageRepository repository;
    private final TransactionTemplate transactions;
    private final WriteGate gate;
    private final BatchWriter<Pending> writer;
    /** Rows that failed a write and were tried again (for metrics and the starvation test). */
    private final AtomicLong retries = new AtomicLong();
    /** Rows that could not be written at all; each one's request was failed. */
    private final AtomicLong refused = new AtomicLong();

    public UsageLedger(UsageRepository repository, TransactionTemplate transactions, WriteGate gate) {
        this.repository = repository;
        this.transactions = transactions;
        this.gate = gate;
        // No gathering pause: requests wait for their rows, and what queues during one commit
        // makes the next batch by itself.
        this.writer = new BatchWriter<>("cairn-usage-writer", 100_000, BATCH, Duration.ZERO, this::writeAll);
    }

    /** Queues an event (waiting while the queue is full); the future completes once its row is committed. */
    public CompletableFuture<Void> record(UsageEvent event) {
        Pending pending = new Pending(event, new CompletableFuture<>());
        writer.submit(pending);
        return pending.written();
    }

    /** Waits until {@code written} (from {@link #record}) completes; a {@link UsageException} (503) if it fails or takes too long. */
    public static void awaitWritten(CompletableFuture<Void> written) {
        DurableWrites.await(written, UsageException::unavailable);
    }

    /** Waits until every event recorded before this call is in the database (tests, shutdown). */
    public void flush() {
        writer.flush(Duration.ofSeconds(30));
    }

    /** Events queued and not yet written. */
    public int backlog() {
        return writer.queued();
    }

    /** How many writes of rows failed and were tried again, since start. */
    public long retries() {
        return retries.get();
    }

    /** How many rows could not be written at all (each one's request was failed), since start. */
    public long refused() {
        return refused.get();
    }

    private void writeAll(List<Pending> batch) throws InterruptedException {
        for (int from = 0; from < batch.size(); from += ROWS_PER_TRANSACTION) {
            write(batch.subList(from, Math.min(batch.size(), from + ROWS_PER_TRANSACTION)));
        }
    }

    private void write(List<Pending> batch) throws InterruptedException {
        List<UsageEvent> events = new ArrayList<>(batch.size());
        batch.forEach(p -> events.add(p.event()));
        for (int attempt = 1; ; attempt++) {
            try {
                insert(events);
                batch.forEach(p -> p.written().complete(null));
                return;
            } catch (RuntimeException e) {
                if (DurableWrites.permanent(e)) {
                    writeOneByOne(batch);
                    return;
                }
                if (!writer.running() && attempt >= ATTEMPTS_AFTER_CLOSE) {
                    log.error("Gave up {} usage events at shutdown after {} failed attempts: the database is out of reach",
                            batch.size(), attempt, e);
                    batch.forEach(p -> p.written().completeExceptionally(e));
                    return;
                }
                retries.addAndGet(batch.size());
                if (attempt == 1 || attempt % 10 == 0) {
                    log.warn("Writing {} usage events failed (attempt {}); retrying until they are written", batch.size(), attempt, e);
                }
                Thread.sleep(DurableWrites.pauseMillis(attempt));
            }
        }
    }

    /** A batch with a row that cannot be written: each row alone, so that only that row's request fails. */
    private void writeOneByOne(List<Pending> batch) throws InterruptedException {
        for (Pending pending : batch) {
            try {
                insert(List.of(pending.event()));
                pending.written().complete(null);
            } catch (RuntimeException e) {
                if (!DurableWrites.permanent(e)) {
                    write(List.of(pending));
                    continue;
                }
                refused.incrementAndGet();
                log.error("A usage event of trace {} cannot be written; its request fails", pending.event().traceId(), e);
                pending.written().completeExceptionally(e);
            }
        }
    }

    private void insert(List<UsageEvent> events) {
        try (WriteGate.Held held = gate.hold()) {
            transactions.executeWithoutResult(status -> repository.insertAll(events));
        }
    }

    @PreDestroy
    void close() throws InterruptedException {
        writer.close();
    }
}
