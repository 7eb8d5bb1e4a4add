package dev.cairn.rewards;

import java.time.Instant;

/**
 * A training run as stored.
 *
 * @param settings the run's request with its noise multiplier resolved, as JSON
 * @param state {@code queued}, {@code running}, {@code completed}, {@code failed} or {@code cancelled}
 * @param step steps done, as of the last checkpoint
 * @param metrics JSON of the final metrics, once completed
 * @param epsilon the ε spent at {@code delta}, for a private run
 * @param recordIndex log index of the run's {@code training.completed} entry
 */
record TrainingRun(String id, String workspace, String keyId, String datasetId, String modelName, String settings,
                   String state, int step, int steps, String metrics, Double epsilon, Double delta, Long recordIndex,
                   String error, Instant createdAt, Instant finishedAt) {

    boolean isFinished() {
        return switch (state) {
            case "completed", "failed", "cancelled" -> true;
            default -> false;
        };
    }
}
