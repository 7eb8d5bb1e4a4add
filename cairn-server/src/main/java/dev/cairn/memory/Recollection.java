package dev.cairn.memory;

import java.util.List;

/**
 * What memory did for one chat completion: the thread it named (null: none), the user's turn to
 * store with the answer, the system message of recalled memory for the prompt (null: none) and the
 * items it holds, which the audit entry records with the SHA-256 of the message they made (items
 * can change later; the digest shows what was sent).
 */
public record Recollection(String workspace, String threadId, String userTurn, String message, List<String> injectedIds,
                           int injectedTokens, String injectedSha256) {

    public static final Recollection NONE = new Recollection(null, null, null, null, List.of(), 0, null);

    /** A thread named, nothing recalled into the prompt. */
    static Recollection without(String workspace, String threadId, String userTurn) {
        return new Recollection(workspace, threadId, userTurn, null, List.of(), 0, null);
    }

    public boolean hasThread() {
        return threadId != null;
    }
}
