package dev.cairn.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.cairn.ledger.Hashes;
import dev.cairn.ledger.TileBuilder;
import dev.cairn.platform.WriterLane;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Gives entries their place in the log. Callers hand in finished entries; one writer thread takes
 * whatever has queued up (group commit), assigns consecutive indexes, extends the tree and its
 * tiles, and commits entries and tiles in one transaction before any caller hears its index. A
 * batch that fails to commit fails every caller in it, and the tree is reloaded from the database,
 * so memory never runs ahead of what is stored.
 *
 * <p>A commit that was stored but could not be made durable (the disk failed a sync) halts the
 * log: that batch and every later one are failed, the head stays at the last durable entry, so no
 * checkpoint is signed over entries a crash may take away, and readiness reports the log down
 * until Cairn is restarted on a disk that works. Retrying would be wrong: a failed sync may have
 * dropped the writes it could not make, and the next one would succeed without them.
 */
@Component
public class AuditSequencer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(AuditSequencer.class);
    private static final int MAX_ATTEMPTS = 10;

    /** The committed tree: size and root, published after each commit. */
    public record TreeHead(long size, byte[] rootHash) {
    }

    /** An entry ready to be sequenced: its row without an index yet, and its leaf hash. */
    record Draft(StoredEntry row, byte[] leafHash, CompletableFuture<Long> committed) {
    }

    private final AuditRepository repository;
    private final int maxBatch;
    private final LinkedBlockingQueue<Draft> queue = new LinkedBlockingQueue<>(100_000);
    private volatile boolean running;
    /** When the idle writer last looked for entries another process appended. */
    private long lastForeignCheck;
    private volatile TreeHead head;
    /** Why the log halted, once a commit could not be made durable; null while it works. */
    private volatile Exception halted;
    /**
     * This writer's commits whose sync has not answered yet. The database already holds them, so
     * while any is pending a reload must not take the head from it: the syncs advance it.
     */
    private final AtomicInteger unsynced = new AtomicInteger();
    private Thread writerThread;
    private TileBuilder tree;
    /** The database connection of the writer thread; reopened after a failure. */
    private AuditRepository.Writer writer;

    @Autowired
    public AuditSequencer(AuditRepository repository, AuditProperties audit) {
        this(repository, audit.maxBatch());
    }

    /** For tools and benchmarks that run the sequencer without Spring. */
    public AuditSequencer(AuditRepository repository, int maxBatch) {
        this.repository = repository;
        this.maxBatch = maxBatch;
    }

    /** Queues an entry; the future completes with its index once it is committed. */
    public CompletableFuture<Long> submit(StoredEntry row) {
        if (!running) {
            return CompletableFuture.failedFuture(new IllegalStateException("the audit log is not running"));
        }
        if (halted != null) {
            return CompletableFuture.failedFuture(haltedError());
        }
        Draft draft = new Draft(row, Hashes.leafHash(row.data()), new CompletableFuture<>());
        try {
            queue.put(draft);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CompletableFuture.failedFuture(e);
        }
        return draft.committed();
    }

    /** The latest committed tree head. */
    public TreeHead head() {
        return head;
    }

    /** Why the log stopped taking entries, if it did: a commit it could not make durable. */
    public Optional<Exception> halted() {
        return Optional.ofNullable(halted);
    }

    private IllegalStateException haltedError() {
        return new IllegalStateException("the audit log halted after its disk failed to sync a commit; "
                + "restart Cairn once the disk works", halted);
    }

    private void halt(Exception cause) {
        if (halted == null) {
            halted = cause;
            log.error("The audit log has halted: a commit could not be made durable. No entry is taken and no "
                    + "checkpoint signed until Cairn is restarted; the log stands at {} durable entries", head.size(), cause);
        }
    }

    @Override
    public void start() {
        reload();
        running = true;
        writerThread = WriterLane.start("cairn-audit-sequencer", false, this::writeLoop);
        log.info("Audit log open at {} entries", head.size());
    }

    @Override
    public void stop() {
        running = false;
        if (writerThread != null) {
            try {
                writerThread.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Starts before the web server and stops after it has finished its requests. */
    @Override
    public int getPhase() {
        return 0;
    }

    private void writeLoop() {
        List<Draft> batch = new ArrayList<>(maxBatch);
        while (running || !queue.isEmpty()) {
            try {
                Draft first = queue.poll(20, TimeUnit.MILLISECONDS);
                if (first == null) {
                    catchUpWhenIdle();
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                if (halted != null) {
                    closeWriter();
                    batch.forEach(draft -> draft.committed().completeExceptionally(haltedError()));
                } else {
                    write(batch);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                batch.clear();
            }
        }
        closeWriter();
    }

    /**
     * Commits a batch. Another process on the same database (the command line, say) may have
     * appended since the tree was loaded; its entries then take the indexes this batch wanted and
     * the commit fails on the primary key. So on failure the tree is reloaded from the database
     * and the batch sequenced again, after a short random pause so that two writers fall out of
     * step, a few times, before its callers are failed.
     */
    private void write(List<Draft> batch) {
        Exception failure = null;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            try {
                if (tree == null) {
                    reload();
                }
                if (writer == null) {
                    writer = repository.writer();
                }
            } catch (RuntimeException | java.sql.SQLException e) {
                failure = e; // the database is out of reach: try again with the next batch
                break;
            }
            long[] indexes = new long[batch.size()];
            List<StoredEntry> rows = new ArrayList<>(batch.size());
            List<byte[]> leafHashes = new ArrayList<>(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                Draft draft = batch.get(i);
                indexes[i] = tree.append(draft.leafHash());
                StoredEntry row = draft.row();
                rows.add(new StoredEntry(indexes[i], row.eventId(), row.type(), row.createdAt(), row.workspace(),
                        row.keyId(), row.traceId(), row.subjectId(), row.data(), row.blob()));
                leafHashes.add(draft.leafHash());
            }
            try {
                writer.append(rows, leafHashes, tree.drainChanged());
                TreeHead committed = new TreeHead(tree.size(), tree.rootHash());
                List<CompletableFuture<Long>> callers = new ArrayList<>(batch.size());
                batch.forEach(draft -> callers.add(draft.committed()));
                unsynced.incrementAndGet();
                // Callers hear of their index, and checkpoints see the new head, only once the
                // commit is on disk; the next batch need not wait for that.
                writer.afterDurable(() -> {
                    if (halted != null) {
                        // Durable on a writer opened after the halt: the entries before it may not be.
                        unsynced.decrementAndGet();
                        callers.forEach(c -> c.completeExceptionally(haltedError()));
                        return;
                    }
                    advanceHead(committed);
                    unsynced.decrementAndGet();
                    for (int i = 0; i < callers.size(); i++) {
                        callers.get(i).complete(indexes[i]);
                    }
                }, e -> {
                    halt(e);
                    unsynced.decrementAndGet();
                    callers.forEach(c -> c.completeExceptionally(e));
                });
                return;
            } catch (Exception e) {
                failure = e;
                if (anotherWriterWasFirst(e)) {
                    // Expected with two processes on one database (the command line, a second server).
                    log.info("Another process appended to the audit log first; sequencing {} entries again (attempt {})",
                            batch.size(), attempt);
                } else {
                    log.warn("Committing {} audit entries failed (attempt {}): {}; reloading the tree",
                            batch.size(), attempt, e.toString());
                }
                tree = null;
                closeWriter();
                try {
                    Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(1, 5L * attempt + 1));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        log.error("Could not commit {} audit entries; their requests fail", batch.size(), failure);
        Exception cause = failure;
        batch.forEach(d -> d.committed().completeExceptionally(cause));
    }

    /** A duplicate entry index: SQLite's primary-key constraint, or PostgreSQL's unique violation. */
    private static boolean anotherWriterWasFirst(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException sql && ("23505".equals(sql.getSQLState())
                    || String.valueOf(sql.getMessage()).contains("SQLITE_CONSTRAINT_PRIMARYKEY"))) {
                return true;
            }
            if (t instanceof java.sql.BatchUpdateException batch && batch.getNextException() != null
                    && "23505".equals(batch.getNextException().getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /** Heads only grow: a sync that reports late must not undo a reload's newer head. */
    private synchronized void advanceHead(TreeHead committed) {
        if (head == null || committed.size() > head.size()) {
            head = committed;
        }
    }

    private void closeWriter() {
        if (writer != null) {
            writer.close();
            writer = null;
        }
    }

    /**
     * Another process on the same database (the command line) may append entries; a busy writer
     * learns of them from its next failed commit, an idle one looks twice a second, so that
     * checkpoints soon cover them too.
     */
    private void catchUpWhenIdle() {
        long now = System.nanoTime();
        if (halted != null) {
            closeWriter();
            return;
        }
        if (now - lastForeignCheck < TimeUnit.MILLISECONDS.toNanos(500)) {
            return;
        }
        lastForeignCheck = now;
        try {
            if (repository.size() != head.size()) {
                reloadQuietly();
            }
        } catch (RuntimeException e) {
            log.warn("Could not look for entries appended by another process", e);
        }
    }

    private void reloadQuietly() {
        try {
            reload();
        } catch (RuntimeException e) {
            log.warn("Reloading the audit tree failed; the next batch tries again", e);
            tree = null;
        }
    }

    /**
     * Rebuilds the tree from the database; its head becomes the log's only when every commit of
     * this writer has been synced (the sequencer thread alone commits and reloads, so none can
     * start meanwhile) and the log has not halted.
     */
    private void reload() {
        tree = load(repository.size());
        if (head == null || (unsynced.get() == 0 && halted == null)) {
            advanceHead(new TreeHead(tree.size(), tree.rootHash()));
        }
    }

    private TileBuilder load(long size) {
        return TileBuilder.resume(size, tile -> {
            byte[] hashes = repository.tile(tile.level(), tile.index(), tile.width());
            if (hashes == null) {
                throw new IllegalStateException("the audit log is missing tile " + tile.path()
                        + " for its " + size + " entries");
            }
            return hashes;
        });
    }
}
