package dev.cairn.memory;

import java.util.List;

/**
 * What memory did for one chat completion: the thread it named (null: none), the user's turn to
 * store with the answer, and the items injected into the prompt, which the audit entry records
 * with the SHA-256 of the message they made (items can change later; the digest shows what was sent).
 */
public record Recollection(String workspace, String threadId, String userTurn, List<String> injectedIds, int injectedTokens,
                           String injectedSha256) {

    public static final Recollection NONE = new Recollection(null, null, null, List.of(), 0, null);

    public boolean hasThread() {
        return threadId != null;
    }
}
