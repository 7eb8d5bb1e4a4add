package dev.cairn.audit;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the audit writer's SQLite commits durable without holding SQLite's write lock for the
 * sync. With synchronous=FULL, SQLite syncs the log inside every commit, so the next batch cannot
 * begin until the disk has answered (about 0.4 ms here, most of a commit). The audit writer's
 * connection commits at synchronous=NORMAL instead (consistent, written to the log, not yet
 * synced), and these threads sync the log file after it: one sync makes every commit before it
 * durable, so syncs run back to back (two at a time, see {@link #SYNCERS}) while the writer goes on
 * with the next batch. A commit's callers hear of it only after a sync that began after the
 * commit, which is what FULL promised. Callbacks of one sync run in commit order; two syncs may
 * finish out of order, which {@code AuditSequencer} allows for (heads only grow).
 *
 * <p>A failed sync breaks it for good: every commit waiting then or later is failed, and the disk
 * is not asked again. Linux reports a write-back error to one sync and may then drop the pages it
 * could not write, so a later sync that succeeds proves nothing about the commits before it.
 */
final class WalSync implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WalSync.class);
    /**
     * Syncing threads. With one, a commit that lands while a sync runs waits for that sync and then
     * for its own; with two, its own sync starts at once (Linux lets syncs of one file overlap, and
     * a sync waits for pages another one is writing). Measured here: mean wait 0.31 ms with two,
     * 0.70 ms with one; four did no better than two.
     */
    private static final int SYNCERS = 2;

    /** What to do once the commits queued before it are on disk, or when the sync failed. */
    private record Waiter(Runnable durable, Consumer<Exception> failed) {
    }

    /** Forces the log file's written data to disk; replaced in tests to make the disk fail. */
    @FunctionalInterface
    interface Forcer {
        Forcer DISK = channel -> channel.force(false);

        void force(FileChannel channel) throws IOException;
    }

    private final Path walFile;
    /** The connection's synchronous level before it was set to NORMAL. */
    private final int restoreLevel;
    private final Forcer forcer;
    private final LinkedBlockingQueue<Waiter> queue = new LinkedBlockingQueue<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;
    /** The first sync failure; once set, nothing is synced or reported durable again. */
    private volatile Exception broken;
    private FileChannel channel;

    WalSync(Path walFile, int restoreLevel, Forcer forcer) {
        this.walFile = walFile;
        this.restoreLevel = restoreLevel;
        this.forcer = forcer;
        for (int i = 0; i < SYNCERS; i++) {
            threads.add(Thread.ofPlatform().name("cairn-audit-sync-" + i).daemon().start(this::loop));
        }
    }

    int restoreLevel() {
        return restoreLevel;
    }

    /** Runs {@code durable} once the commit just made is on disk; {@code failed} if it may not be. */
    void afterCommit(Runnable durable, Consumer<Exception> failed) {
        queue.add(new Waiter(durable, failed));
    }

    private void loop() {
        List<Waiter> waiting = new ArrayList<>();
        while (running || !queue.isEmpty()) {
            try {
                Waiter first = queue.poll(50, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                waiting.add(first);
                queue.drainTo(waiting);
                syncAndRelease(waiting);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            } finally {
                waiting.clear();
            }
        }
    }

    private void syncAndRelease(List<Waiter> waiting) {
        Exception failure = broken;
        if (failure == null) {
            try {
                forcer.force(logFile());
                // The other thread's sync may have failed on pages these commits needed, and
                // taken the error report with it: this sync's success then proves nothing.
                failure = broken;
            } catch (IOException | RuntimeException e) {
                failure = fail(e);
                log.error("Syncing the database log {} failed; {} audit commits may not be durable, and no later "
                        + "one will be reported durable", walFile, waiting.size(), e);
            }
        }
        if (failure != null) {
            Exception cause = failure;
            waiting.forEach(w -> w.failed().accept(cause));
            return;
        }
        waiting.forEach(w -> w.durable().run());
    }

    /** Keeps the first failure of the two syncing threads, so that every waiter hears the same cause. */
    private synchronized Exception fail(Exception e) {
        if (broken == null) {
            broken = e;
        }
        return broken;
    }

    /**
     * The log file, opened once: SQLite keeps that file (truncating it at most) for as long as any
     * connection is open, and the audit writer's own connection is open for this object's life.
     */
    private synchronized FileChannel logFile() throws IOException {
        if (channel == null) {
            channel = FileChannel.open(walFile, StandardOpenOption.WRITE);
        }
        return channel;
    }

    private synchronized void closeChannel() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // Closing after the last sync: nothing is left to lose.
            }
            channel = null;
        }
    }

    /** Syncs what is still waiting, then stops. */
    @Override
    public void close() {
        running = false;
        try {
            for (Thread thread : threads) {
                thread.join(TimeUnit.SECONDS.toMillis(10));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeChannel();
    }
}
