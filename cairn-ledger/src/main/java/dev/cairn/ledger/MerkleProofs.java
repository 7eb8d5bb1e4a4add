package dev.cairn.ledger;

import java.util.ArrayList;
import java.util.List;

/**
 * RFC 9162 tree heads, inclusion proofs and consistency proofs (§2.1.2 to §2.1.4): building them
 * from a {@link HashSource} and verifying them with nothing but hashes. Verification reads sizes
 * and indexes as unsigned 64-bit numbers, as RFC 9162 and other implementations do, so that a
 * claimed index of 2^64 - 1 is simply out of range.
 */
public final class MerkleProofs {

    private MerkleProofs() {
    }

    /** The root hash of the tree made of the first {@code size} leaves. */
    public static byte[] rootHash(HashSource source, long size) {
        requireSize(size);
        return size == 0 ? Hashes.emptyRoot() : rangeHash(source, 0, size);
    }

    /** The audit path of leaf {@code index} in the tree of {@code size} leaves, deepest sibling first. */
    public static List<byte[]> inclusionProof(HashSource source, long index, long size) {
        if (index < 0 || index >= size) {
            throw new IllegalArgumentException("leaf " + index + " is not in a tree of size " + size);
        }
        List<byte[]> proof = new ArrayList<>();
        inclusionPath(source, index, 0, size, proof);
        return proof;
    }

    /** The proof that the tree of {@code size1} leaves is a prefix of the tree of {@code size2}. */
    public static List<byte[]> consistencyProof(HashSource source, long size1, long size2) {
        if (size1 < 1 || size1 > size2) {
            throw new IllegalArgumentException("no consistency proof from size " + size1 + " to size " + size2);
        }
        List<byte[]> proof = new ArrayList<>();
        if (size1 < size2) {
            subproof(source, size1, 0, size2, true, proof);
        }
        return proof;
    }

    /** Checks that {@code leafHash} is leaf {@code index} of the tree of {@code size} leaves with {@code root}. */
    public static void verifyInclusion(byte[] leafHash, long index, long size, List<byte[]> proof, byte[] root)
            throws VerificationException {
        Hashes.requireHash(leafHash, "leaf hash");
        Hashes.requireHash(root, "root");
        List<byte[]> path = proof == null ? List.of() : proof;
        if (Long.compareUnsigned(index, size) >= 0) {
            throw new VerificationException("leaf index " + Long.toUnsignedString(index)
                    + " is outside a tree of size " + Long.toUnsignedString(size));
        }
        // RFC 9162 §2.1.3.2, step by step.
        long fn = index;
        long sn = size - 1;
        byte[] r = leafHash;
        for (int i = 0; i < path.size(); i++) {
            byte[] p = path.get(i);
            Hashes.requireHash(p, "inclusion proof element " + i);
            if (sn == 0) {
                throw new VerificationException("inclusion proof for leaf " + index + " is longer than the tree allows");
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = Hashes.nodeHash(p, r);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>>= 1;
                    sn >>>= 1;
                }
            } else {
                r = Hashes.nodeHash(r, p);
            }
            fn >>>= 1;
            sn >>>= 1;
        }
        if (sn != 0) {
            throw new VerificationException("inclusion proof for leaf " + index + " is too short for tree size " + size);
        }
        if (!Hashes.equal(r, root)) {
            throw new VerificationException("inclusion proof for leaf " + index + " does not lead to the root of tree size " + size);
        }
    }

    /** Checks that the tree of {@code size1} leaves with {@code root1} is a prefix of the one of {@code size2} with {@code root2}. */
    public static void verifyConsistency(long size1, long size2, List<byte[]> proof, byte[] root1, byte[] root2)
            throws VerificationException {
        List<byte[]> path = proof == null ? List.of() : proof;
        if (Long.compareUnsigned(size2, size1) < 0) {
            throw new VerificationException("size " + Long.toUnsignedString(size2) + " cannot extend size "
                    + Long.toUnsignedString(size1));
        }
        if (size1 == 0) {
            // Every tree extends the empty one; a proof from it proves nothing, so it is refused.
            throw new VerificationException("a consistency proof from the empty tree is meaningless");
        }
        if (size1 == size2) {
            if (!path.isEmpty()) {
                throw new VerificationException("a consistency proof between equal sizes must be empty");
            }
            if (!Hashes.equal(root1, root2)) {
                throw new VerificationException("two different roots for tree size " + size1);
            }
            return;
        }
        Hashes.requireHash(root1, "first root");
        Hashes.requireHash(root2, "second root");
        if (path.isEmpty()) {
            throw new VerificationException("empty consistency proof from size " + size1 + " to " + size2);
        }
        for (int i = 0; i < path.size(); i++) {
            Hashes.requireHash(path.get(i), "consistency proof element " + i);
        }
        // RFC 9162 §2.1.4.2, step by step.
        List<byte[]> steps = path;
        if (Long.bitCount(size1) == 1) {
            steps = new ArrayList<>(path.size() + 1);
            steps.add(root1);
            steps.addAll(path);
        }
        long fn = size1 - 1;
        long sn = size2 - 1;
        while ((fn & 1) == 1) {
            fn >>>= 1;
            sn >>>= 1;
        }
        byte[] fr = steps.get(0);
        byte[] sr = steps.get(0);
        for (int i = 1; i < steps.size(); i++) {
            byte[] c = steps.get(i);
            if (sn == 0) {
                throw new VerificationException("consistency proof from " + size1 + " to " + size2 + " is too long");
            }
            if ((fn & 1) == 1 || fn == sn) {
                fr = Hashes.nodeHash(c, fr);
                sr = Hashes.nodeHash(c, sr);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>>= 1;
                    sn >>>= 1;
                }
            } else {
                sr = Hashes.nodeHash(sr, c);
            }
            fn >>>= 1;
            sn >>>= 1;
        }
        if (sn != 0) {
            throw new VerificationException("consistency proof from " + size1 + " to " + size2 + " is too short");
        }
        if (!Hashes.equal(fr, root1)) {
            throw new VerificationException("consistency proof does not lead to the root of size " + size1);
        }
        if (!Hashes.equal(sr, root2)) {
            throw new VerificationException("consistency proof does not lead to the root of size " + size2);
        }
    }

    /** MTH(D[start:end]) for a range that the RFC's recursion produces: start is aligned to the range's split. */
    static byte[] rangeHash(HashSource source, long start, long end) {
        long n = end - start;
        if (Long.bitCount(n) == 1) {
            int level = Long.numberOfTrailingZeros(n);
            return source.hash(level, start >> level);
        }
        long k = Long.highestOneBit(n);
        return Hashes.nodeHash(rangeHash(source, start, start + k), rangeHash(source, start + k, end));
    }

    private static void inclusionPath(HashSource source, long m, long start, long end, List<byte[]> out) {
        long n = end - start;
        if (n == 1) {
            return;
        }
        long k = splitPoint(n);
        if (m < start + k) {
            inclusionPath(source, m, start, start + k, out);
            out.add(rangeHash(source, start + k, end));
        } else {
            inclusionPath(source, m, start + k, end, out);
            out.add(rangeHash(source, start, start + k));
        }
    }

    /** SUBPROOF(m, D[start:end], b) of RFC 9162 §2.1.4.1, with m counted from {@code start}. */
    private static void subproof(HashSource source, long m, long start, long end, boolean whole, List<byte[]> out) {
        long n = end - start;
        if (m == n) {
            if (!whole) {
                out.add(rangeHash(source, start, end));
            }
            return;
        }
        long k = splitPoint(n);
        if (m <= k) {
            subproof(source, m, start, start + k, whole, out);
            out.add(rangeHash(source, start + k, end));
        } else {
            subproof(source, m - k, start + k, end, false, out);
            out.add(rangeHash(source, start, start + k));
        }
    }

    /** The largest power of two smaller than {@code n}, for n > 1. */
    private static long splitPoint(long n) {
        return Long.highestOneBit(n - 1);
    }

    private static void requireSize(long size) {
        if (size < 0) {
            throw new IllegalArgumentException("negative tree size " + size);
        }
    }
}
