package dev.cairn.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** RFC 9162 proofs against transparency-dev/merkle's vectors: accept every good case, reject every bad one. */
class MerkleConformanceTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String[] LEAVES = {"", "00", "10", "2021", "3031", "40414243",
            "5051525354555657", "606162636465666768696a6b6c6d6e6f"};
    private static final String[] ROOTS = {
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};

    @TestFactory
    Stream<DynamicTest> inclusionVectors() throws IOException {
        return vectors("inclusion").map(file -> DynamicTest.dynamicTest(name(file), () -> {
            JsonNode v = JSON.readTree(file.toFile());
            expect(v, () -> MerkleProofs.verifyInclusion(bytes(v.get("leafHash")), uint64(v.get("leafIdx")),
                    uint64(v.get("treeSize")), hashes(v.get("proof")), bytes(v.get("root"))));
        }));
    }

    @TestFactory
    Stream<DynamicTest> consistencyVectors() throws IOException {
        return vectors("consistency").map(file -> DynamicTest.dynamicTest(name(file), () -> {
            JsonNode v = JSON.readTree(file.toFile());
            expect(v, () -> MerkleProofs.verifyConsistency(uint64(v.get("size1")), uint64(v.get("size2")),
                    hashes(v.get("proof")), bytes(v.get("root1")), bytes(v.get("root2"))));
        }));
    }

    /** Runs a verification: it must throw VerificationException exactly when the vector wants an error. */
    private static void expect(JsonNode vector, Verification verification) throws VerificationException {
        if (vector.get("wantErr").asBoolean()) {
            assertThatThrownBy(verification::run).isInstanceOf(VerificationException.class);
        } else {
            verification.run();
        }
    }

    private interface Verification {
        void run() throws VerificationException;
    }

    @Test
    void everyVectorFileIsRead() throws IOException {
        assertThat(vectors("inclusion").count()).isEqualTo(98);
        assertThat(vectors("consistency").count()).isEqualTo(98);
        assertThat(vectors("").filter(f -> readQuietly(f).get("wantErr").asBoolean()).count())
                .as("vectors that must be rejected").isEqualTo(184);
    }

    @Test
    void rootsOfTheReferenceTreeAtEverySize() {
        MemoryTree tree = new MemoryTree();
        CompactRange range = CompactRange.empty();
        assertThat(Hashes.hex(tree.rootHash())).isEqualTo(ROOTS[0]);
        for (int size = 1; size <= LEAVES.length; size++) {
            byte[] leaf = HexFormat.of().parseHex(LEAVES[size - 1]);
            tree.append(leaf);
            range.append(Hashes.leafHash(leaf));
            assertThat(Hashes.hex(tree.rootHash())).as("root of size %d", size).isEqualTo(ROOTS[size]);
            assertThat(Hashes.hex(range.rootHash())).isEqualTo(ROOTS[size]);
            assertThat(Hashes.hex(MerkleProofs.rootHash(tree, size))).isEqualTo(ROOTS[size]);
            assertThat(Hashes.hex(CompactRange.of(tree, size).rootHash())).isEqualTo(ROOTS[size]);
        }
    }

    /** The happy-path vectors over the reference tree: our proofs must be the very same hashes. */
    @Test
    void builtProofsEqualTheHappyPathVectors() throws IOException {
        MemoryTree tree = new MemoryTree();
        for (String leaf : LEAVES) {
            tree.append(HexFormat.of().parseHex(leaf));
        }
        List<Path> happy = vectors("").filter(f -> f.getFileName().toString().equals("happy-path.json")).toList();
        int compared = 0;
        for (Path file : happy) {
            JsonNode v = readQuietly(file);
            if (v.has("leafIdx")) {
                long size = v.get("treeSize").asLong();
                if (size > LEAVES.length || !Hashes.hex(bytes(v.get("root"))).equals(ROOTS[(int) size])) {
                    continue;
                }
                assertThat(MerkleProofs.inclusionProof(tree, v.get("leafIdx").asLong(), size))
                        .as(name(file)).containsExactlyElementsOf(hashes(v.get("proof")));
            } else {
                long size1 = v.get("size1").asLong();
                long size2 = v.get("size2").asLong();
                if (size2 > LEAVES.length || !Hashes.hex(bytes(v.get("root2"))).equals(ROOTS[(int) size2])) {
                    continue;
                }
                assertThat(MerkleProofs.consistencyProof(tree, size1, size2))
                        .as(name(file)).containsExactlyElementsOf(hashes(v.get("proof")));
            }
            compared++;
        }
        assertThat(compared).as("happy-path vectors over the reference tree").isGreaterThanOrEqualTo(8);
    }

    private static Stream<Path> vectors(String kind) throws IOException {
        try (Stream<Path> files = Files.walk(Conformance.dir("merkle/testdata").resolve(kind))) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().toList().stream();
        }
    }

    private static String name(Path file) {
        return Conformance.dir("merkle/testdata").relativize(file).toString();
    }

    private static JsonNode readQuietly(Path file) {
        return JSON.readTree(file.toFile());
    }

    /** The vectors' sizes are Go uint64s; Java's long holds the same 64 bits, read unsigned. */
    private static long uint64(JsonNode node) {
        return node.bigIntegerValue().longValue();
    }

    private static byte[] bytes(JsonNode node) {
        return node == null || node.isNull() ? null : Base64.getDecoder().decode(node.asString());
    }

    private static List<byte[]> hashes(JsonNode node) {
        List<byte[]> out = new ArrayList<>();
        if (node != null && !node.isNull()) {
            node.forEach(e -> out.add(Base64.getDecoder().decode(e.asString())));
        }
        return out;
    }
}
