package dev.cairn.datasets;

import java.time.Instant;

/**
 * A background export of a dataset version in one format, and how far it has got.
 *
 * @param state {@code queued}, {@code running}, {@code done} or {@code failed}
 * @param rowsDone rows read so far, of {@code rowsTotal}
 */
record DatasetExport(String id, String datasetId, String workspace, String format, String state, long rowsDone,
                     long rowsTotal, long lines, long bytes, String error, Instant createdAt, Instant finishedAt) {
}
