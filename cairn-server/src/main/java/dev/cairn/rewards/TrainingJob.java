package dev.cairn.rewards;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.cairn.audit.AuditEvent;
import dev.cairn.audit.AuditLog;
import dev.cairn.audit.AuditRepository;
import dev.cairn.audit.StoredEntry;
import dev.cairn.datasets.DatasetPreferences;
import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.jobs.Job;
import dev.cairn.platform.jobs.JobHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Runs a training run in the background: reads the dataset version's pairs, embeds them, trains from
 * the last checkpoint (or the start) with {@link DpSgd}, checkpointing as it goes, then records the
 * run as a {@code training.completed} audit entry and stores the model under its name. A restart
 * re-runs the job, which resumes from the checkpoint and, each step's randomness being a function of
 * the seed and the step, ends with the same model as an uninterrupted run.
 */
@Component
class TrainingJob implements JobHandler {

    private static final Logger logger = LoggerFactory.getLogger(TrainingJob.class);

    static final String KIND = "rewards.train";
    /** Steps between checkpoints: each is a database write of three vectors, cheap next to the steps. */
    static final int CHECKPOINT_EVERY = 25;

    private final TrainingRunRepository runs;
    private final RewardModelRepository models;
    private final DatasetPreferences preferences;
    private final RewardFeatures features;
    private final AuditLog auditLog;
    private final AuditRepository log;

    TrainingJob(TrainingRunRepository runs, RewardModelRepository models, DatasetPreferences preferences,
                RewardFeatures features, AuditLog auditLog, AuditRepository log) {
        this.runs = runs;
        this.models = models;
        this.preferences = preferences;
        this.features = features;
        this.auditLog = auditLog;
        this.log = log;
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public boolean isLong() {
        return true;
    }

    @Override
    public void run(Job job) throws InterruptedException {
        String id = JsonBodies.JSON.readTree(job.payload()).path("run_id").asString();
        Optional<TrainingRun> found = runs.find(id);
        if (found.isEmpty() || found.get().isFinished() || !runs.running(id)) {
            return; // cancelled before it started, or done by an earlier attempt
        }
        TrainingRun run = found.get();
        try {
            train(run);
        } catch (RuntimeException e) {
            // Training is deterministic: what failed once would fail again, so the run ends here and
            // says why, rather than sit "running" while its job is retried to exhaustion.
            logger.warn("Training run {} failed", id, e);
            runs.failed(id, e instanceof RewardException ? e.getMessage() : "training failed: " + e);
        }
    }

    private void train(TrainingRun run) throws InterruptedException {
        long started = System.nanoTime();
        JsonNode settings = JsonBodies.JSON.readTree(run.settings());
        TrainingSettings training = TrainingRuns.settings(settings);
        DatasetPreferences.Version dataset = unchanged(run, settings);
        double validation = settings.path("validation_fraction").asDouble();
        List<PreferencePair> trainPairs = new ArrayList<>();
        List<PreferencePair> validationPairs = new ArrayList<>();
        for (DatasetPreferences.Pair pair : dataset.pairs()) {
            PreferencePair text = PairText.of(pair);
            (PairText.heldOut(text.prompt(), validation) ? validationPairs : trainPairs).add(text);
        }
        if (trainPairs.isEmpty()) {
            throw RewardException.invalid("no_training_pairs", "validation_fraction",
                    "Every pair of dataset " + run.datasetId() + " is held out for validation; lower validation_fraction");
        }
        List<double[]> trainSet = features.differences(trainPairs);
        List<double[]> validationSet = features.differences(validationPairs);
        double embedSeconds = (System.nanoTime() - started) / 1e9;

        // A private run's sampling and noise come from its secret, never from the published seed.
        DpSgd sgd = training.isPrivate()
                ? DpSgd.withSecret(trainSet, training, runs.noiseSecret(run.id()).orElseThrow(
                        () -> new IllegalStateException("private run " + run.id() + " has no noise secret")))
                : new DpSgd(trainSet, training);
        DpSgd.State state = runs.checkpoint(run.id()).map(DpSgd.State::read)
                .orElseGet(() -> DpSgd.State.start(trainSet.getFirst().length));
        int resumedAt = state.step();
        long trainStarted = System.nanoTime();
        while (state.step() < training.steps()) {
            if (Thread.interrupted()) {
                throw new InterruptedException("shutting down; the run resumes from step " + state.step());
            }
            state = sgd.step(state);
            if (state.step() % CHECKPOINT_EVERY == 0 && state.step() < training.steps()
                    && !runs.checkpoint(run.id(), state.step(), state.bytes())) {
                return; // cancelled
            }
        }
        double trainSeconds = (System.nanoTime() - trainStarted) / 1e9;
        for (double weight : state.weights()) {
            if (!Double.isFinite(weight)) {
                throw RewardException.invalid("training_diverged", "learning_rate", "Training diverged (a weight is not a "
                        + "finite number); lower learning_rate, or the noise for clip_norm and sample_rate");
            }
        }
        // Cancelled in its last steps, or an erasure took pairs out meanwhile: nothing is stored or recorded.
        if (!runs.isRunning(run.id())) {
            return;
        }
        unchanged(run, settings);
        RewardModel model = new RewardModel(run.workspace(), run.modelName(), run.id(), state.weights());
        ObjectNode metrics = JsonBodies.JSON.createObjectNode();
        metrics.put("train_pairs", trainSet.size());
        metrics.put("validation_pairs", validationSet.size());
        if (!training.isPrivate()) {
            // Exact figures over the training pairs are not covered by DP-SGD's guarantee (one pair's
            // loss could be read off the sum): a private run publishes none.
            metrics.put("train_accuracy", DpSgd.accuracy(state.weights(), trainSet));
            metrics.put("train_loss", DpSgd.loss(state.weights(), trainSet));
        }
        if (!validationSet.isEmpty()) {
            metrics.put("validation_accuracy", DpSgd.accuracy(state.weights(), validationSet));
            metrics.put("validation_loss", DpSgd.loss(state.weights(), validationSet));
        }
        metrics.put("embedding_seconds", embedSeconds);
        metrics.put("training_seconds", trainSeconds);
        metrics.put("resumed_at_step", resumedAt);
        JsonNode privacy = settings.path("privacy");
        long index = record(run, TrainingRecord.of(run, settings, dataset, model, privacy, metrics));
        if (!models.save(model) && !models.find(run.workspace(), run.modelName()).map(RewardModel::runId).orElse("").equals(run.id())) {
            throw RewardException.conflict("model_exists", "model", "A reward model named '" + run.modelName()
                    + "' was stored while this run trained");
        }
        runs.completed(run.id(), state.step(), JsonBodies.JSON.writeValueAsString(metrics),
                privacy.isObject() ? privacy.path("epsilon").asDouble() : null, index);
    }

    /**
     * The run's dataset version, as it was when the run started: an erasure that took pairs out
     * since then fails the run, whose checkpoints (or model) were trained on them.
     */
    private DatasetPreferences.Version unchanged(TrainingRun run, JsonNode settings) {
        DatasetPreferences.Version dataset = preferences.of(run.workspace(), run.datasetId(), TrainingRuns.MAX_PAIRS);
        if (dataset.pairs().size() != settings.path("pairs").asInt()) {
            throw RewardException.conflict("dataset_changed", "dataset_id", "Dataset " + run.datasetId() + " had "
                    + settings.path("pairs").asInt() + " pairs when the run started and has " + dataset.pairs().size()
                    + " now (an erasure); start a new run");
        }
        return dataset;
    }

    /** Appends the run's record once: a retry after a crash finds the entry by the run's id. */
    private long record(TrainingRun run, ObjectNode data) {
        Optional<Long> logged = log.findByEventId(run.id()).map(StoredEntry::index);
        if (logged.isPresent()) {
            return logged.get();
        }
        return auditLog.append(new AuditEvent(TrainingRecord.TYPE, run.id(), Instant.now(), run.workspace(), run.keyId(),
                null, null, data, null)).join();
    }
}
