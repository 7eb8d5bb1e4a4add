package dev.cairn.platform.jobs;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * A job's row as the admin API shows it; {@code lastError} is the most recent failure, kept after a
 * success, and {@code fire} the schedule fire that queued the job, null for a job queued otherwise.
 */
record StoredJob(String id, String kind, String workspace, String payload, State state, int attempts,
                 int maxAttempts, Instant runAfter, Instant lockedUntil, String lastError, Instant createdAt,
                 Instant updatedAt, Instant finishedAt, Fire fire) {

    /** The fire of a {@link JobSchedule} that queued a job: the schedule's name and the fire time. */
    record Fire(String schedule, Instant time) {
    }

    /** Where a job is in its life; {@code FAILED} means it gave up after its last attempt. */
    enum State {
        QUEUED, RUNNING, SUCCEEDED, FAILED;

        String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Optional<State> parse(String text) {
            for (State state : values()) {
                if (state.wireName().equals(text)) {
                    return Optional.of(state);
                }
            }
            return Optional.empty();
        }
    }
}
