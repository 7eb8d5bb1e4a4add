package dev.cairn.datasets;

import dev.cairn.platform.CairnException;
import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.jobs.Job;
import dev.cairn.platform.jobs.JobHandler;
import dev.cairn.platform.jobs.JobsProperties;
import org.springframework.stereotype.Component;

/**
 * Runs the build of a dataset version queued by {@code POST /v1/datasets}. The queue runs a job at
 * least once and again after a restart, so a run continues the version from its last committed page
 * (see {@link DatasetBuilder#build}); only when the queue's last attempt fails is the version marked
 * {@code failed}, with the reason, and its partial rows dropped.
 */
@Component
class DatasetBuildJob implements JobHandler {

    static final String KIND = "dataset.build";
    /** Kept short in the table: enough to see what failed. */
    private static final int MAX_ERROR_CHARS = 500;

    private final DatasetRepository datasets;
    private final DatasetBuilder builder;
    private final int maxAttempts;

    DatasetBuildJob(DatasetRepository datasets, DatasetBuilder builder, JobsProperties jobs) {
        this.datasets = datasets;
        this.builder = builder;
        // The queue keeps each job's own max_attempts from when it was queued; should the setting change
        // between, a version the queue gave up on without this saying so is failed when next read
        // (build_abandoned, DatasetController), and one failed early is simply not built again.
        this.maxAttempts = jobs.maxAttempts();
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public boolean isLong() {
        return true;
    }

    /** The job's payload: only the version's id, no personal content. */
    static String payload(String datasetId) {
        return JsonBodies.JSON.writeValueAsString(JsonBodies.JSON.createObjectNode().put("dataset_id", datasetId));
    }

    @Override
    public void run(Job job) {
        String id = JsonBodies.JSON.readTree(job.payload()).path("dataset_id").asString();
        Dataset dataset = datasets.find(id).orElse(null);
        if (dataset == null || !dataset.isBuilding()) {
            return; // gone, or finished by an earlier run whose completion the queue did not hear of
        }
        try {
            builder.build(dataset);
        } catch (RuntimeException e) {
            // An interrupted run (shutdown) is queued again uncounted, so it is never the last attempt.
            if (job.attempts() >= maxAttempts && !Thread.currentThread().isInterrupted()) {
                datasets.failed(id, failure(e));
            }
            throw e;
        }
    }

    private static Dataset.Failure failure(RuntimeException e) {
        if (e instanceof CairnException refusal) {
            return new Dataset.Failure(refusal.error().code(), refusal.error().message());
        }
        String message = "The build failed: " + e.getMessage();
        return new Dataset.Failure("build_failed",
                message.length() > MAX_ERROR_CHARS ? message.substring(0, MAX_ERROR_CHARS) : message);
    }
}
