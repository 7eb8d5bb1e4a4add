package dev.cairn.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * For random trees, every inclusion and consistency proof verifies, and any single flipped bit in a
 * proof, a root or a leaf is rejected. One tree of {@link #LEAVES} leaves serves every size, since a
 * smaller tree is a prefix of it.
 */
class MerkleProofPropertyTest {

    private static final int LEAVES = 5000;
    private static final MemoryTree TREE = new MemoryTree();

    static {
        for (int i = 0; i < LEAVES; i++) {
            TREE.append(ByteBuffer.allocate(12).putInt(0x6c656166).putLong(i).array());
        }
    }

    @Property(tries = 2000)
    void inclusionProofsVerifyAndAnyFlippedBitIsRejected(@ForAll @IntRange(min = 1, max = LEAVES) int size,
                                                         @ForAll @IntRange(min = 0, max = LEAVES - 1) int pick,
                                                         @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int bit)
            throws VerificationException {
        long index = pick % size;
        byte[] leaf = TREE.hash(0, index);
        byte[] root = MerkleProofs.rootHash(TREE, size);
        List<byte[]> proof = MerkleProofs.inclusionProof(TREE, index, size);

        MerkleProofs.verifyInclusion(leaf, index, size, proof, root);

        assertRejected(() -> MerkleProofs.verifyInclusion(flip(leaf, bit), index, size, proof, root));
        assertRejected(() -> MerkleProofs.verifyInclusion(leaf, index, size, proof, flip(root, bit)));
        if (!proof.isEmpty()) {
            List<byte[]> altered = flipInProof(proof, bit);
            assertRejected(() -> MerkleProofs.verifyInclusion(leaf, index, size, altered, root));
        }
    }

    @Property(tries = 2000)
    void consistencyProofsVerifyAndAnyFlippedBitIsRejected(@ForAll @IntRange(min = 1, max = LEAVES) int size2,
                                                           @ForAll @IntRange(min = 1, max = LEAVES) int pick,
                                                           @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int bit)
            throws VerificationException {
        long size1 = 1 + (pick - 1) % size2;
        byte[] root1 = MerkleProofs.rootHash(TREE, size1);
        byte[] root2 = MerkleProofs.rootHash(TREE, size2);
        List<byte[]> proof = MerkleProofs.consistencyProof(TREE, size1, size2);

        MerkleProofs.verifyConsistency(size1, size2, proof, root1, root2);

        assertRejected(() -> MerkleProofs.verifyConsistency(size1, size2, proof, flip(root1, bit), root2));
        assertRejected(() -> MerkleProofs.verifyConsistency(size1, size2, proof, root1, flip(root2, bit)));
        if (!proof.isEmpty()) {
            List<byte[]> altered = flipInProof(proof, bit);
            assertRejected(() -> MerkleProofs.verifyConsistency(size1, size2, altered, root1, root2));
        }
    }

    @Property(tries = 300)
    void aResumedCompactRangeGrowsLikeTheTree(@ForAll @IntRange(min = 0, max = LEAVES - 100) int start,
                                              @ForAll @IntRange(min = 1, max = 100) int more) {
        CompactRange range = CompactRange.of(TREE, start);
        List<String> completed = new ArrayList<>();
        for (int i = start; i < start + more; i++) {
            range.append(TREE.hash(0, i), (level, index, hash) -> {
                assertThat(hash).isEqualTo(TREE.hash(level, index));
                completed.add(level + "/" + index);
            });
        }
        assertThat(range.rootHash()).isEqualTo(MerkleProofs.rootHash(TREE, start + more));
        assertThat(completed).hasSizeGreaterThanOrEqualTo(more);
    }

    private static byte[] flip(byte[] hash, int bit) {
        byte[] copy = hash.clone();
        int at = bit % (copy.length * 8);
        copy[at / 8] ^= (byte) (1 << (at % 8));
        return copy;
    }

    private static List<byte[]> flipInProof(List<byte[]> proof, int bit) {
        int bits = proof.size() * Hashes.SIZE * 8;
        int at = bit % bits;
        List<byte[]> altered = new ArrayList<>(proof);
        int element = at / (Hashes.SIZE * 8);
        altered.set(element, flip(proof.get(element), at % (Hashes.SIZE * 8)));
        return altered;
    }

    private interface Check {
        void run() throws VerificationException;
    }

    private static void assertRejected(Check check) {
        assertThatThrownBy(check::run).isInstanceOf(VerificationException.class);
    }
}
