package dev.cairn.platform.jobs;

/**
 * One run of a queued job as its {@link JobHandler} sees it. {@code payload} is the JSON text given
 * to {@link JobQueue#enqueue}; {@code attempts} counts this run, so it is 1 the first time.
 */
public record Job(String id, String kind, String workspace, String payload, int attempts) {
}
