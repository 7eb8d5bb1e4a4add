package dev.cairn.datasets;

import java.time.Instant;

/**
 * A dataset version as stored.
 *
 * @param filter the filter it was built from, as canonical JSON
 * @param state {@code building} while its job writes its rows, {@code built} once frozen, {@code failed}
 *              when its build gave up (then {@code failure} says why and it has no rows)
 * @param rows rows written so far while building; all of them once built
 * @param skipped interactions that matched but whose content could no longer be opened (erased)
 * @param feedback how many feedback entries its rows carry
 * @param checkpointSize size of the signed checkpoint it was cut at; every source is below it
 * @param rowsRoot base64 RFC 9162 Merkle root over its rows' bytes, once built
 * @param manifestIndex log index of its {@code dataset.built} entry, once built
 * @param progress how far its build has scanned the log, and which job runs it
 */
record Dataset(String id, String workspace, String keyId, String filter, String state, long rows, long skipped,
               long feedback, long checkpointSize, String checkpointNote, String rowsRoot, Long manifestIndex,
               Instant createdAt, Progress progress, Failure failure) {

    static final String BUILDING = "building";
    static final String BUILT = "built";
    static final String FAILED = "failed";

    /**
     * How far a build has got: {@code scanned} interactions looked at, the last of them at log index
     * {@code scannedThrough} (-1 before the first), which is where an interrupted build resumes.
     */
    record Progress(long scanned, long scannedThrough, String buildJob) {

        static final Progress NONE = new Progress(0, -1, null);
    }

    /** Why a build gave up, as an OpenAI-shaped error's code and message. */
    record Failure(String code, String message) {
    }

    boolean isBuilt() {
        return BUILT.equals(state);
    }

    boolean isBuilding() {
        return BUILDING.equals(state);
    }

    /** This new version, with the job that builds it. */
    Dataset buildingBy(String buildJob) {
        return new Dataset(id, workspace, keyId, filter, state, rows, skipped, feedback, checkpointSize, checkpointNote,
                rowsRoot, manifestIndex, createdAt, new Progress(progress.scanned(), progress.scannedThrough(), buildJob),
                failure);
    }

    Dataset built(long rows, long skipped, long feedback, String rowsRoot, long manifestIndex) {
        return new Dataset(id, workspace, keyId, filter, BUILT, rows, skipped, feedback, checkpointSize, checkpointNote,
                rowsRoot, manifestIndex, createdAt, progress, null);
    }
}
