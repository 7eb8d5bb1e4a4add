package dev.cairn.ledger;

/**
 * Where a tree's hashes come from: an in-memory tree, stored rows, or tiles read from a server.
 * Only hashes of perfect, aligned subtrees are asked for; everything else is derived from them.
 */
@FunctionalInterface
public interface HashSource {

    /**
     * The hash of the perfect subtree of {@code 2^level} leaves that starts at leaf
     * {@code index << level}. Level 0 is the leaf hashes themselves.
     */
    byte[] hash(int level, long index);
}
