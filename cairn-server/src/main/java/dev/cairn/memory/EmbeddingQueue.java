package dev.cairn.memory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.jobs.Job;
import dev.cairn.platform.jobs.JobHandler;
import dev.cairn.platform.jobs.JobQueue;
import dev.cairn.platform.jobs.JobsProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Embeds items off the request path, through the persistent job queue: storing items queues a
 * job naming them, and the job embeds whichever of them still lack a vector from the current
 * model. At start one sweep job looks for every item the current model has not embedded (a model
 * change re-embeds everything this way, in the background).
 */
@Component
public class EmbeddingQueue implements JobHandler {

    private static final Logger log = LoggerFactory.getLogger(EmbeddingQueue.class);

    static final String KIND = "memory.embed";
    private static final int IDS_PER_JOB = 256;
    private static final int SWEEP_BATCH = 256;

    private final ObjectProvider<JobQueue> jobs;
    private final MemoryRepository repository;
    private final Embeddings embeddings;
    private final VectorIndex vectors;
    private final boolean works;
    private final boolean memoryEnabled;

    /** The queue comes lazily: it collects every handler, this one included, when it is built. */
    public EmbeddingQueue(ObjectProvider<JobQueue> jobs, MemoryRepository repository, Embeddings embeddings, VectorIndex vectors,
                          JobsProperties jobsConfig, MemoryProperties memoryConfig) {
        this.works = jobsConfig.workers() > 0;
        this.memoryEnabled = memoryConfig.enabled();
        this.jobs = jobs;
        this.repository = repository;
        this.embeddings = embeddings;
        this.vectors = vectors;
    }

    @Override
    public String kind() {
        return KIND;
    }

    /** Queues the embedding of these items, ids only, as jobs of the data subject they are about (null: none). */
    void enqueue(String workspace, String subjectId, List<String> ids) {
        List<String> payloads = new ArrayList<>();
        for (int from = 0; from < ids.size(); from += IDS_PER_JOB) {
            ObjectNode payload = JsonBodies.JSON.createObjectNode();
            ids.subList(from, Math.min(ids.size(), from + IDS_PER_JOB)).forEach(payload.putArray("ids")::add);
            payloads.add(payload.toString());
        }
        jobs.getObject().enqueueAll(KIND, workspace, subjectId, payloads);
    }

    @EventListener(ApplicationReadyEvent.class)
    void sweepAtStart() {
        if (works) { // not from the command line, which only enqueues
            jobs.getObject().enqueue(KIND, null, "{\"sweep\":true}");
            warmUpIfUsed();
        }
    }

    /**
     * Loads an in-process model ahead of the first recall when this database already holds memory
     * items. A deployment that has not used memory yet does not pay for the model (some 100 MB of
     * resident memory) until it needs it: its first stored item, whose embedding job loads it, or
     * its first recall.
     */
    void warmUpIfUsed() {
        if (memoryEnabled && repository.hasItems()) {
            embeddings.warmUpInBackground();
        }
    }

    @Override
    public void run(Job job) {
        JsonNode payload = JsonBodies.JSON.readTree(job.payload());
        String model = embeddings.model();
        if (payload.path("sweep").asBoolean(false)) {
            long after = 0;
            List<MemoryRepository.PendingText> pending;
            while (!(pending = repository.pendingEmbeddings(model, after, SWEEP_BATCH)).isEmpty()) {
                embedBatchOrEach(model, pending);
                after = pending.getLast().seq();
            }
            return;
        }
        List<String> ids = new ArrayList<>();
        payload.path("ids").forEach(id -> ids.add(id.asString()));
        List<MemoryRepository.PendingText> pending = repository.pendingEmbeddings(model, ids);
        if (!pending.isEmpty() && embedBatchOrEach(model, pending) == 0) {
            throw new IllegalStateException("the embedding model embedded none of " + pending.size() + " items");
        }
    }

    /**
     * Embeds the batch; if the model refuses it (one input too long for a remote model, say), one
     * item at a time, logging and skipping those it still refuses: they stay findable by full
     * text and one bad item does not hold back the rest. Returns how many were embedded.
     */
    private int embedBatchOrEach(String model, List<MemoryRepository.PendingText> pending) {
        try {
            embed(model, pending);
            return pending.size();
        } catch (RuntimeException batchFailed) {
            if (pending.size() == 1) {
                log.warn("Could not embed memory item {}: {}", pending.getFirst().id(), batchFailed.toString());
                return 0;
            }
            int done = 0;
            for (MemoryRepository.PendingText item : pending) {
                done += embedBatchOrEach(model, List.of(item));
            }
            return done;
        }
    }

    private void embed(String model, List<MemoryRepository.PendingText> pending) {
        if (pending.isEmpty()) {
            return;
        }
        List<float[]> made = embeddings.embed(pending.stream().map(MemoryRepository.PendingText::content).toList());
        List<byte[]> bytes = made.stream().map(Vectors::toBytes).toList();
        boolean[] stored = repository.storeEmbeddings(model, pending, bytes);
        Map<String, List<MemoryRepository.EmbeddedRow>> byWorkspace = new HashMap<>();
        for (int i = 0; i < pending.size(); i++) {
            if (!stored[i]) {
                continue;
            }
            MemoryRepository.PendingText p = pending.get(i);
            byWorkspace.computeIfAbsent(p.workspace(), w -> new ArrayList<>())
                    .add(new MemoryRepository.EmbeddedRow(p.id(), p.threadId(), p.kind(), p.occurredAt(), p.retired(), bytes.get(i)));
        }
        byWorkspace.forEach(vectors::added);
    }
}
