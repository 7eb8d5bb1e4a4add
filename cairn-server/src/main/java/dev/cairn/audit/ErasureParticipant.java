package dev.cairn.audit;

import java.util.List;

/**
 * A feature that keeps copies of a data subject's content outside the log and must act when the
 * subject is erased; the audit erasure calls every such bean after destroying the subject's keys,
 * so that the log does not need to know the features that build on it.
 */
public interface ErasureParticipant {

    /** What was erased: the subject's pseudonym in its workspace, who asked, and the {@code subject.erased} entry. */
    record Erasure(String workspace, String subjectId, String keyId, long index) {
    }

    /**
     * Something of the participant's that held the subject, how many of its rows (or entries) did,
     * and what was done to them ({@code action}, e.g. {@code deleted}; null for the participant's
     * one usual action, which its documentation names).
     */
    record Holding(String id, long rows, String action) {

        public Holding(String id, long rows) {
            this(id, rows, null);
        }
    }

    /** The member of the erasure result that lists this participant's holdings, e.g. {@code datasets}. */
    String name();

    /** Removes the subject's content from what the participant keeps; what held it. */
    List<Holding> erase(Erasure erasure);

    /**
     * The tables {@link #erase} deletes or overwrites rows of: once every participant has run, the
     * old copies of those rows are taken out of the database's files ({@code DeletedData}).
     */
    default List<String> tables() {
        return List.of();
    }

    /**
     * Something an erasure left the participant to finish (an entry the log could not take yet, say),
     * and the {@code subject.erased} entry it is for.
     */
    record Owed(String id, long erasureIndex) {
    }

    /** What past erasures still wait for from this participant (it retries them itself); empty when all are done. */
    default List<Owed> owed() {
        return List.of();
    }
}
