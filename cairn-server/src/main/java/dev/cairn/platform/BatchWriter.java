package dev.cairn.platform;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread that writes, in batches, what many threads hand it: on a database that allows one
 * writer at a time, one transaction for what has queued up costs little more than one for a single
 * row, and requests no longer queue for the write lock one by one. The queue is bounded; when it is
 * full a caller waits rather than lose what it hands in. At {@link #close()} what is queued is
 * written before the thread ends.
 *
 * <p>The writer decides what a failed batch means to the threads that handed it in (retry and log,
 * or fail each caller's future): whatever it throws is logged here and the batch counted done.
 */
public final class BatchWriter<T> implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BatchWriter.class);

    /** Writes one batch, in the order it was handed in. */
    @FunctionalInterface
    public interface Writer<T> {
        void write(List<T> batch) throws InterruptedException;
    }

    private final String name;
    private final int maxBatch;
    private final long gatherNanos;
    private final Writer<T> writer;
    private final BlockingQueue<T> queue;
    private final Thread thread;
    private volatile boolean running = true;
    /** Items handed in, and items the writer is done with (written, or failed and reported). */
    private final AtomicLong submitted = new AtomicLong();
    private volatile long done;

    /**
     * @param gather how long to wait for more once something has queued: zero writes at once what
     *               is there (group commit, for callers that wait), more makes larger batches of
     *               what nobody waits for
     */
    public BatchWriter(String name, int capacity, int maxBatch, Duration gather, Writer<T> writer) {
        this.name = name;
        this.maxBatch = maxBatch;
        this.gatherNanos = gather.toNanos();
        this.writer = writer;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.thread = WriterLane.start(name, true, this::loop);
    }

    /** Queues {@code item}, waiting while the queue is full. */
    public void submit(T item) {
        if (!running) {
            throw new IllegalStateException(name + " is closed");
        }
        try {
            queue.put(item);
            submitted.incrementAndGet();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while handing an item to " + name, e);
        }
    }

    /** Waits, up to {@code timeout}, until the writer is done with everything submitted before this call. */
    public void flush(Duration timeout) {
        long target = submitted.get();
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (done < target && System.nanoTime() < deadline) {
                try {
                    wait(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Items handed in and not yet taken by the writer. */
    public int queued() {
        return queue.size();
    }

    public boolean running() {
        return running;
    }

    private void loop() {
        List<T> batch = new ArrayList<>(Math.min(maxBatch, 4096));
        while (running || !queue.isEmpty()) {
            try {
                T first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                long deadline = System.nanoTime() + gatherNanos;
                while (gatherNanos > 0 && batch.size() < maxBatch && running) {
                    long left = deadline - System.nanoTime();
                    T next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                    queue.drainTo(batch, maxBatch - batch.size());
                }
                writer.write(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.error("{} failed to write {} items", name, batch.size(), e);
            } finally {
                done += batch.size();
                batch.clear();
                synchronized (this) {
                    notifyAll();
                }
            }
        }
    }

    /** Writes what is queued, then stops the thread (waiting up to 30 s for it). */
    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(TimeUnit.SECONDS.toMillis(30));
    }
}
