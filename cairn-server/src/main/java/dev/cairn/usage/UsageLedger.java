package dev.cairn.usage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.cairn.platform.WriteGate;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Records usage events off the request path: requests hand events to a bounded queue and one
 * writer thread inserts what has gathered over up to 200 ms, 500 rows per transaction,
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
    private static final long GATHER_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final UsageRepository repository;
    private final TransactionTemplate transactions;
    private final WriteGate gate;
    private final BlockingQueue<UsageEvent> queue = new ArrayBlockingQueue<>(100_000);
    private final Thread writer;
    private volatile boolean running = true;

    public UsageLedger(UsageRepository repository, TransactionTemplate transactions, WriteGate gate) {
        this.repository = repository;
        this.transactions = transactions;
        this.gate = gate;
        this.writer = Thread.ofPlatform().name("cairn-usage-writer").daemon().start(this::writeLoop);
    }

    public void record(UsageEvent event) {
        try {
            queue.put(event);
            recorded.incrementAndGet();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while recording usage", e);
        }
    }

    /** Waits until every event recorded before this call is in the database (tests, shutdown). */
    public void flush() {
        long target = recorded.get();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        synchronized (this) {
            while (written < target && System.nanoTime() < deadline) {
                try {
                    wait(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Events handed in, and events the writer is done with (stored, or given up on and logged). */
    private final AtomicLong recorded = new AtomicLong();
    private volatile long written;

    private void writeLoop() {
        List<UsageEvent> batch = new ArrayList<>(BATCH);
        while (running || !queue.isEmpty()) {
            try {
                UsageEvent first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                // Gather for a moment before writing: one transaction of hundreds of rows costs
                // SQLite little more than one of a single row.
                long deadline = System.nanoTime() + GATHER_NANOS;
                while (batch.size() < BATCH && running) {
                    long left = deadline - System.nanoTime();
                    UsageEvent next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                    queue.drainTo(batch, BATCH - batch.size());
                }
                for (int from = 0; from < batch.size(); from += ROWS_PER_TRANSACTION) {
                    write(batch.subList(from, Math.min(batch.size(), from + ROWS_PER_TRANSACTION)));
                }
                written += batch.size();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                batch.clear();
                synchronized (this) {
                    notifyAll();
                }
            }
        }
    }

    private void write(List<UsageEvent> batch) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try (WriteGate.Held held = gate.hold()) {
                transactions.executeWithoutResult(status -> repository.insertAll(batch));
                return;
            } catch (RuntimeException e) {
                if (!running || attempt >= 5) {
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
        flush();
        running = false;
        writer.join(TimeUnit.SECONDS.toMillis(30));
    }
}
