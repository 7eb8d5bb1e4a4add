package dev.cairn.feedback;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.cairn.platform.BatchWriter;
import dev.cairn.platform.WriteGate;
import jakarta.annotation.PreDestroy;
import org.springframework.stereotype.Component;

/**
 * Writes the {@code feedback} index rows (and idempotent responses) of concurrent requests in one
 * transaction, as the audit log group-commits their entries. One transaction per request, each
 * forced to disk and each queueing for SQLite's write lock (a virtual thread waiting in the driver
 * holds its carrier), capped single items at some hundreds a second; a transaction for whatever has
 * queued meanwhile costs one sync for all of them. A caller returns only once its rows are
 * committed, so that its 200 means they are durable and a read after it finds them.
 */
@Component
class FeedbackIndexWriter {

    /**
     * Requests per transaction. The rows of a batch of 1,000 items are one request; the cap keeps
     * one transaction from holding the write gate, and the audit log's commits behind it, for long.
     */
    private static final int MAX_REQUESTS = 128;

    /** One request's rows, and how its caller hears they are committed. */
    /** How long a request waits for its rows to be committed before it is answered 503. */
    private static final Duration WAIT = Duration.ofSeconds(30);

    private record Pending(FeedbackRepository.Recorded request, CompletableFuture<Void> written) {
    }

    private final FeedbackRepository repository;
    private final WriteGate gate;
    private final BatchWriter<Pending> writer;

    FeedbackIndexWriter(FeedbackRepository repository, WriteGate gate) {
        this.repository = repository;
        this.gate = gate;
        // No gathering: callers wait, so write at once whatever queued while the last batch was written.
        this.writer = new BatchWriter<>("cairn-feedback-index", 10_000, MAX_REQUESTS, Duration.ZERO, this::write);
    }

    /** Stores one request's rows and, with a key, its response; returns once they are committed. */
    void record(FeedbackRepository.Recorded request) {
        Pending pending = new Pending(request, new CompletableFuture<>());
        writer.submit(pending);
        try {
            // Bounded: a writer that stopped (shut down between the submit and the write, or killed by
            // an Error) must not hold the request forever.
            pending.written().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            // The caller sees what a write of its own would have thrown.
            throw e.getCause() instanceof RuntimeException cause ? cause : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw FeedbackException.indexUnavailable(WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw FeedbackException.indexUnavailable(WAIT);
        }
    }

    private void write(List<Pending> batch) {
        try {
            commit(batch);
        } catch (RuntimeException e) {
            if (batch.size() == 1) {
                batch.getFirst().written().completeExceptionally(e);
                return;
            }
            // One request's rows must not fail the others': each on its own, so that only it fails.
            for (Pending pending : batch) {
                try {
                    commit(List.of(pending));
                } catch (RuntimeException alone) {
                    pending.written().completeExceptionally(alone);
                }
            }
        }
    }

    private void commit(List<Pending> batch) {
        try (WriteGate.Held held = gate.hold()) {
            repository.record(batch.stream().map(Pending::request).toList());
        }
        batch.forEach(pending -> pending.written().complete(null));
    }

    @PreDestroy
    void close() throws InterruptedException {
        writer.close();
    }
}
