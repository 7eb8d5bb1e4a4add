package dev.cairn.rewards;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.cairn.access.Principal;
import dev.cairn.audit.AuditRepository;
import dev.cairn.audit.EntryStore;
import dev.cairn.datasets.DatasetPreferences;
import dev.cairn.platform.Ids;
import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.jobs.JobQueue;
import dev.cairn.privacy.BudgetCharges;
import dev.cairn.privacy.BudgetHolder;
import dev.cairn.privacy.GaussianRun;
import dev.cairn.privacy.NoiseCalibration;
import dev.cairn.privacy.PrivacyBudgets;
import dev.cairn.privacy.PrivacyLedger;
import dev.cairn.privacy.PrivacySpent;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Starts, reads and cancels training runs. Starting checks everything that can be checked before any
 * work: the dataset version (the caller's, built, with preference pairs), the model name (free), and
 * for a private run the noise multiplier and the ε it will spend. A private run is then charged to the
 * privacy budgets of its dataset version and of every annotator whose preferences it holds; only once
 * the charge is recorded is the run stored and queued, so a refused run leaves nothing behind.
 */
@Service
class TrainingRuns {

    /** The most pairs a run trains on: their feature differences, 768 doubles each, take about 60 MB at that. */
    static final int MAX_PAIRS = 10_000;
    private static final SecureRandom SECURE = new SecureRandom();

    private final TrainingRunRepository runs;
    private final RewardModelRepository models;
    private final DatasetPreferences preferences;
    private final JobQueue jobs;
    private final AuditRepository log;
    private final EntryStore entries;
    private final PrivacyBudgets budgets;
    private final BudgetCharges charges;

    TrainingRuns(TrainingRunRepository runs, RewardModelRepository models, DatasetPreferences preferences, JobQueue jobs,
                 AuditRepository log, EntryStore entries, PrivacyBudgets budgets, BudgetCharges charges) {
        this.runs = runs;
        this.models = models;
        this.preferences = preferences;
        this.jobs = jobs;
        this.log = log;
        this.entries = entries;
        this.budgets = budgets;
        this.charges = charges;
    }

    TrainingRun start(Principal principal, TrainingRequest request) {
        if (!request.isPrivate() && budgets.requirePrivateTraining()) {
            throw RewardException.conflict("private_training_required", "privacy", "This Cairn trains only with "
                    + "differential privacy (cairn.privacy.require-private-training): give privacy.epsilon or "
                    + "privacy.noise_multiplier, with privacy.delta");
        }
        DatasetPreferences.Version dataset = preferences.of(principal.workspace(), request.datasetId(), MAX_PAIRS);
        if (dataset.pairs().size() > MAX_PAIRS) {
            throw RewardException.invalid("too_many_pairs", "dataset_id", "Dataset " + request.datasetId() + " holds more than "
                    + MAX_PAIRS + " preference pairs, the most one training run takes (their features are held in memory); "
                    + "build a version with a narrower filter");
        }
        if (dataset.pairs().isEmpty()) {
            throw RewardException.invalid("no_preferences", "dataset_id", "Dataset " + request.datasetId()
                    + " holds no preference pairs to train a reward model on");
        }
        if (models.exists(principal.workspace(), request.model())) {
            throw modelExists(request.model());
        }
        ObjectNode settings = settingsJson(request, dataset.pairs().size());
        String id = Ids.newId("trn");
        TrainingRun run = new TrainingRun(id, principal.workspace(), principal.keyId(), dataset.id(), request.model(),
                JsonBodies.JSON.writeValueAsString(settings), "queued", 0, request.steps(), null,
                settings.path("privacy").isObject() ? settings.path("privacy").path("epsilon").asDouble() : null,
                request.delta(), null, null, Instant.now(), null);
        // The row reserves the model's name (a unique index), before anything is charged for it.
        if (!runs.create(run, request.isPrivate() ? newSecret() : null)) {
            throw modelExists(request.model());
        }
        if (request.isPrivate()) {
            try {
                charge(principal, id, dataset, settings.path("privacy"));
            } catch (RuntimeException e) {
                runs.discard(id);
                throw e;
            }
        }
        jobs.enqueue(TrainingJob.KIND, principal.workspace(), JsonBodies.JSON.createObjectNode().put("run_id", id).toString());
        return run;
    }

    private static RewardException modelExists(String name) {
        return RewardException.conflict("model_exists", "model", "A reward model named '" + name + "' exists in this "
                + "workspace, or a run is training one; models are immutable, choose another name");
    }

    /** A private run's source of sampling and noise: 32 bytes nobody outside the database ever sees. */
    private static byte[] newSecret() {
        byte[] secret = new byte[32];
        SECURE.nextBytes(secret);
        return secret;
    }

    /**
     * Charges the run to its dataset version and to every annotator of it, or refuses it (409 naming
     * whose budget it would overspend). A run that fails to be stored after this stays charged: its
     * data may not have been used, but a budget that counts too much errs on the side it should.
     */
    private void charge(Principal principal, String runId, DatasetPreferences.Version dataset, JsonNode privacy) {
        List<BudgetHolder> holders = new ArrayList<>();
        holders.add(BudgetHolder.dataset(dataset.id()));
        dataset.annotators().forEach(key -> holders.add(BudgetHolder.annotator(key)));
        GaussianRun run = new GaussianRun(privacy.path("noise_multiplier").asDouble(), privacy.path("sample_rate").asDouble(),
                privacy.path("steps").asLong());
        charges.charge(new BudgetCharges.Charge(principal.workspace(), principal.keyId(), runId, holders, run));
    }

    /**
     * The run's settings as stored and recorded: the request with its noise multiplier resolved and,
     * for a private run, the privacy it spends as the accountant computes it.
     */
    static ObjectNode settingsJson(TrainingRequest request, int pairs) {
        ObjectNode json = JsonBodies.JSON.createObjectNode();
        json.put("steps", request.steps());
        json.put("learning_rate", request.learningRate());
        json.put("sample_rate", request.sampleRate());
        json.put("clip_norm", request.clipNorm());
        json.put("weight_decay", request.weightDecay());
        json.put("seed", request.seed());
        json.put("validation_fraction", request.validationFraction());
        json.put("pairs", pairs);
        if (!request.isPrivate()) {
            json.putNull("privacy");
            return json;
        }
        double sigma = request.noiseMultiplier() != null ? request.noiseMultiplier()
                : NoiseCalibration.smallestNoiseMultiplier(request.sampleRate(), request.steps(), request.delta(), request.epsilon());
        PrivacySpent spent = PrivacyLedger.of(new GaussianRun(sigma, request.sampleRate(), request.steps())).spent(request.delta());
        ObjectNode privacy = json.putObject("privacy");
        privacy.put("accountant", "rdp");
        privacy.put("mechanism", "poisson-subsampled gaussian");
        privacy.put("unit", "preference pair");
        privacy.put("noise_multiplier", sigma);
        privacy.put("sample_rate", request.sampleRate());
        privacy.put("steps", request.steps());
        privacy.put("delta", request.delta());
        privacy.put("epsilon", spent.epsilon());
        privacy.put("order", spent.order());
        if (request.epsilon() != null) {
            privacy.put("target_epsilon", request.epsilon());
        }
        return json;
    }

    /** The trainer's hyperparameters from a run's stored settings. */
    static TrainingSettings settings(JsonNode settings) {
        JsonNode privacy = settings.path("privacy");
        return new TrainingSettings(settings.path("steps").asInt(), settings.path("learning_rate").asDouble(),
                settings.path("sample_rate").asDouble(), settings.path("clip_norm").asDouble(),
                privacy.isObject() ? privacy.path("noise_multiplier").asDouble() : 0,
                settings.path("weight_decay").asDouble(), settings.path("seed").asLong());
    }

    /** A run of the workspace; another workspace's is the same 404 as one that does not exist. */
    TrainingRun get(Principal principal, String id) {
        return runs.find(id).filter(run -> run.workspace().equals(principal.workspace()))
                .orElseThrow(() -> RewardException.runNotFound(id));
    }

    List<TrainingRun> list(Principal principal, String after, int limit) {
        return runs.list(principal.workspace(), after, limit);
    }

    /** Cancels a run that has not finished; a finished one is a 409 saying how it ended. */
    TrainingRun cancel(Principal principal, String id) {
        TrainingRun run = get(principal, id);
        if (!runs.cancel(run.id())) {
            throw RewardException.conflict("run_finished", "id", "Training run " + id + " has already "
                    + get(principal, id).state());
        }
        return get(principal, id);
    }

    /** The model card of a completed run, rendered from its logged record alone. */
    String modelCard(Principal principal, String id) {
        TrainingRun run = get(principal, id);
        if (run.recordIndex() == null) {
            throw RewardException.conflict("run_not_completed", "id", "Training run " + id + " is " + run.state()
                    + "; a model card exists once it has completed");
        }
        JsonNode entry = log.findByIndex(run.recordIndex())
                .map(stored -> JsonBodies.JSON.readTree(entries.data(stored)))
                .orElseThrow(() -> RewardException.runNotFound(id));
        return ModelCard.render(entry, run.recordIndex());
    }
}
