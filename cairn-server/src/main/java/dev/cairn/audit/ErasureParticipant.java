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

    /** Something of the participant's that held the subject, and how many of its rows did. */
    record Holding(String id, long rows) {
    }

    /** The member of the erasure result that lists this participant's holdings, e.g. {@code datasets}. */
    String name();

    /** Removes the subject's content from what the participant keeps; what held it. */
    List<Holding> erase(Erasure erasure);

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
