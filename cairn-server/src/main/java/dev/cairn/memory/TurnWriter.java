package dev.cairn.memory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import dev.cairn.platform.BatchWriter;
import dev.cairn.platform.DurableWrites;
import dev.cairn.platform.WriteGate;
import dev.cairn.platform.WriterLane;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Stores the turns of gateway calls that name a thread, for the requests that wait on them: one
 * thread on the writers' own connections ({@link WriterLane}), taking its turn at the
 * {@link WriteGate} with the audit log and the usage ledger, so a request's turns never wait
 * behind other requests for a connection. A store that fails for a reason that may pass is retried
 * until it is written; while it is, the queue fills and requests wait to hand in theirs
 * (backpressure). A request that gives up waiting ({@link DurableWrites#RECORD_TIMEOUT}) abandons
 * its turns if they have not been written yet, since its client is told the call failed.
 */
@Component
class TurnWriter {

    private static final Logger log = LoggerFactory.getLogger(TurnWriter.class);
    private static final int ATTEMPTS_AFTER_CLOSE = 10;

    /** One request's turns, and the future it waits on. */
    record Pending(String workspace, String threadId, String subjectId, List<NewItem> turns, CompletableFuture<Void> stored,
                   AtomicBoolean abandoned) {
    }

    private final MemoryService memory;
    private final FactExtraction extraction;
    private final WriteGate gate;
    private final BatchWriter<Pending> writer;

    TurnWriter(MemoryService memory, FactExtraction extraction, WriteGate gate) {
        this.memory = memory;
        this.extraction = extraction;
        this.gate = gate;
        this.writer = new BatchWriter<>("cairn-memory-turns", 10_000, 64, Duration.ZERO, this::writeAll);
    }

    /** Queues a request's turns, about the data subject {@code subjectId} (null: none), waiting while the queue is full. */
    Pending store(String workspace, String threadId, String subjectId, List<NewItem> turns) {
        Pending pending = new Pending(workspace, threadId, subjectId, turns, new CompletableFuture<>(), new AtomicBoolean());
        writer.submit(pending);
        return pending;
    }

    private void writeAll(List<Pending> batch) throws InterruptedException {
        for (Pending pending : batch) {
            write(pending);
        }
    }

    private void write(Pending pending) throws InterruptedException {
        AtomicReference<List<MemoryItem>> stored = new AtomicReference<>();
        if (!untilDone(pending, "turns", () -> {
            try (WriteGate.Held held = gate.hold()) {
                stored.set(memory.addItems(pending.workspace(), pending.subjectId(), pending.turns()));
            }
        })) {
            return;
        }
        // The turns are in; a failure to queue their fact extraction must not store them twice.
        if (untilDone(pending, "fact extraction of", () -> extraction.turnsAdded(pending.workspace(), pending.threadId(), pending.subjectId(), stored.get()))) {
            pending.stored().complete(null);
        }
    }

    /** Runs {@code step} until it succeeds (true), fails for good, or its request gave up on it. */
    private boolean untilDone(Pending pending, String what, Runnable step) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            if (pending.abandoned().get()) {
                pending.stored().completeExceptionally(new CancellationException("the request stopped waiting"));
                return false;
            }
            try {
                step.run();
                return true;
            } catch (RuntimeException e) {
                boolean giveUp = DurableWrites.permanent(e) || (!writer.running() && attempt >= ATTEMPTS_AFTER_CLOSE);
                if (giveUp) {
                    log.error("Storing {} the turns on thread {} failed; the request fails", what, pending.threadId(), e);
                    pending.stored().completeExceptionally(e);
                    return false;
                }
                if (attempt == 1 || attempt % 10 == 0) {
                    log.warn("Storing {} the turns on thread {} failed (attempt {}); retrying until they are stored",
                            what, pending.threadId(), attempt, e);
                }
                Thread.sleep(DurableWrites.pauseMillis(attempt));
            }
        }
    }

    @PreDestroy
    void close() throws InterruptedException {
        writer.close();
    }
}
