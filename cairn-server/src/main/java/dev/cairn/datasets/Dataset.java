package dev.cairn.datasets;

import java.time.Instant;

/**
 * A dataset version as stored.
 *
 * @param filter the filter it was built from, as canonical JSON
 * @param state {@code building} while its rows are written, {@code built} once frozen
 * @param skipped interactions that matched but whose content could no longer be opened (erased)
 * @param feedback how many feedback entries its rows carry
 * @param checkpointSize size of the signed checkpoint it was cut at; every source is below it
 * @param rowsRoot base64 RFC 9162 Merkle root over its rows' bytes, once built
 * @param manifestIndex log index of its {@code dataset.built} entry, once built
 */
record Dataset(String id, String workspace, String keyId, String filter, String state, long rows, long skipped,
               long feedback, long checkpointSize, String checkpointNote, String rowsRoot, Long manifestIndex,
               Instant createdAt) {

    boolean isBuilt() {
        return "built".equals(state);
    }

    Dataset built(long rows, long skipped, long feedback, String rowsRoot, long manifestIndex) {
        return new Dataset(id, workspace, keyId, filter, "built", rows, skipped, feedback, checkpointSize, checkpointNote,
                rowsRoot, manifestIndex, createdAt);
    }
}
