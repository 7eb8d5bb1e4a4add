package dev.cairn.datasets;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import dev.cairn.ledger.Checkpoint;
import dev.cairn.ledger.CompactRange;
import dev.cairn.ledger.Hashes;
import dev.cairn.ledger.MerkleProofs;
import dev.cairn.ledger.NoteVerifier;
import dev.cairn.ledger.VerificationException;
import dev.cairn.platform.JsonBodies;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Checks a bundle written by {@link DatasetBundleWriter} with nothing but the log's verifier key:
 * the cut checkpoint and the manifest's checkpoint are signed and consistent; the manifest is a
 * logged {@code dataset.built} entry naming the cut; every row's source entries are in the tree
 * under the cut and agree with what the row says of them; and the rows hash to the manifest's root,
 * so that no byte of any row (its unsealed text included) changed since the version was built. Rows
 * an erasure took out are absent; their leaf hashes, from the logged {@code dataset.rows_erased}
 * entries, stand in for them in the root.
 */
public final class DatasetBundleVerifier {

    /** What was checked. */
    public record Report(String datasetId, long rows, long entries, long cutSize, long erased) {
    }

    private final NoteVerifier verifier;

    public DatasetBundleVerifier(NoteVerifier verifier) {
        this.verifier = verifier;
    }

    public Report verify(Path dir) throws IOException, VerificationException {
        Checkpoint cut = Checkpoint.open(Files.readString(dir.resolve("checkpoint")), verifier);
        JsonNode manifestProof = JsonBodies.JSON.readTree(Files.readAllBytes(dir.resolve("manifest.json")));
        Checkpoint later = Checkpoint.open(manifestProof.path("checkpoint").asString(), verifier);
        MerkleProofs.verifyConsistency(cut.size(), later.size(), hashes(manifestProof.path("consistency")),
                cut.rootHash(), later.rootHash());
        JsonNode manifest = included(manifestProof, later, "manifest");
        JsonNode data = manifest.path("data");
        if (!"dataset.built".equals(manifest.path("type").asString())
                || data.path("checkpoint").path("size").asLong(-1) != cut.size()
                || !Base64.getEncoder().encodeToString(cut.rootHash()).equals(data.path("checkpoint").path("root").asString())) {
            throw new VerificationException("manifest: entry " + manifestProof.path("index").asLong()
                    + " is not a dataset.built entry cut at this bundle's checkpoint");
        }
        String workspace = manifest.path("workspace").asString();
        String datasetId = data.path("dataset_id").asString();
        TreeMap<Long, byte[]> erased = erased(manifestProof.path("erasures"), later, datasetId, workspace);
        long omitted = erased.size();

        CompactRange tree = CompactRange.empty();
        long rows = 0;
        long ordinal = 0;
        long entries = 0;
        try (InputStream rowsIn = new BufferedInputStream(Files.newInputStream(dir.resolve("rows.jsonl")));
             InputStream sourcesIn = new BufferedInputStream(Files.newInputStream(dir.resolve("sources.jsonl")))) {
            byte[] row;
            while ((row = line(rowsIn)) != null) {
                ordinal = skipErased(tree, erased, ordinal);
                tree.append(Hashes.leafHash(row));
                ordinal++;
                byte[] sources = line(sourcesIn);
                if (sources == null) {
                    throw new VerificationException("row " + rows + ": no sources for it in sources.jsonl");
                }
                entries += checkRow(rows, row, JsonBodies.JSON.readTree(sources), cut, workspace);
                rows++;
            }
            if (line(sourcesIn) != null) {
                throw new VerificationException("sources.jsonl has more lines than rows.jsonl");
            }
        }
        ordinal = skipErased(tree, erased, ordinal);
        if (!erased.isEmpty()) {
            throw new VerificationException("erasures: row " + erased.firstKey() + " is erased but not a row of the version");
        }
        if (ordinal != data.path("rows").asLong(-1)) {
            throw new VerificationException("rows: the bundle has " + rows + " rows and " + omitted + " erased, the manifest "
                    + data.path("rows").asLong());
        }
        if (!Base64.getEncoder().encodeToString(tree.rootHash()).equals(data.path("rows_root").asString())) {
            throw new VerificationException("rows: their Merkle root is not the manifest's rows_root; a row was changed, added or removed");
        }
        return new Report(datasetId, rows, entries, cut.size(), omitted);
    }

    /**
     * The leaf hashes of the rows erasures took out, by row: each from a {@code dataset.rows_erased}
     * entry of this version, proven under the later checkpoint, so that an omitted row is one Cairn
     * logged as erased and not one dropped from the bundle.
     */
    private static TreeMap<Long, byte[]> erased(JsonNode erasures, Checkpoint later, String datasetId, String workspace)
            throws VerificationException {
        TreeMap<Long, byte[]> out = new TreeMap<>();
        for (JsonNode proof : erasures) {
            JsonNode entry = included(proof, later, "erasures");
            JsonNode data = entry.path("data");
            if (!"dataset.rows_erased".equals(entry.path("type").asString()) || !datasetId.equals(data.path("dataset_id").asString())
                    || !Objects.equals(entry.path("workspace").asString(null), workspace)
                    || data.path("rows").size() != data.path("leaf_hashes").size()) {
                throw new VerificationException("erasures: entry " + proof.path("index").asLong()
                        + " is not a dataset.rows_erased entry of " + datasetId);
            }
            for (int i = 0; i < data.path("rows").size(); i++) {
                out.put(data.path("rows").get(i).asLong(), Base64.getDecoder().decode(data.path("leaf_hashes").get(i).asString()));
            }
        }
        return out;
    }

    /** Appends the kept leaf hashes of the erased rows from {@code ordinal} on; the next row's ordinal. */
    private static long skipErased(CompactRange tree, TreeMap<Long, byte[]> erased, long ordinal) {
        byte[] leaf;
        while ((leaf = erased.remove(ordinal)) != null) {
            tree.append(leaf);
            ordinal++;
        }
        return ordinal;
    }

    /** Proves a row's sources under the cut and checks that the row says of them what they say. */
    private static int checkRow(long n, byte[] bytes, JsonNode sources, Checkpoint cut, String workspace)
            throws VerificationException {
        JsonNode row;
        try {
            row = JsonBodies.JSON.readTree(bytes);
        } catch (RuntimeException e) {
            throw new VerificationException("row " + n + ": not JSON", e);
        }
        Map<Long, JsonNode> proven = new HashMap<>();
        for (JsonNode source : sources.path("entries")) {
            JsonNode entry = included(source, cut, "row " + n);
            if (!Objects.equals(entry.path("workspace").asString(null), workspace)) {
                throw new VerificationException("row " + n + ": entry " + source.path("index").asLong() + " is of another workspace");
            }
            proven.put(source.path("index").asLong(), entry);
        }
        for (long index : DatasetBundleWriter.sourceIndexes(row)) {
            if (!proven.containsKey(index)) {
                throw new VerificationException("row " + n + ": no proof for its source entry " + index);
            }
        }
        JsonNode interaction = proven.get(row.path("interaction_index").asLong());
        if (!DatasetBuilder.INTERACTION_TYPE.equals(interaction.path("type").asString())
                || !interaction.path("id").equals(row.path("request_id"))
                || !interaction.path("time").equals(row.path("time"))
                || !interaction.path("data").path("model").equals(row.path("model"))) {
            throw new VerificationException("row " + n + ": does not match its interaction, entry " + row.path("interaction_index").asLong());
        }
        for (JsonNode item : row.path("feedback")) {
            JsonNode entry = proven.get(item.path("log_index").asLong());
            if (!("feedback." + item.path("kind").asString()).equals(entry.path("type").asString())
                    || !entry.path("id").equals(item.path("id"))) {
                throw new VerificationException("row " + n + ": feedback " + item.path("id").asString()
                        + " does not match entry " + item.path("log_index").asLong());
            }
            ObjectNode logged = (ObjectNode) entry.path("data").deepCopy();
            logged.remove("feedback_id");
            if (logged.get("given_by") instanceof ObjectNode givenBy) {
                givenBy.remove("end_user");
            }
            for (var field : logged.properties()) {
                if (!field.getValue().equals(item.get(field.getKey()))) {
                    throw new VerificationException("row " + n + ": feedback " + item.path("id").asString() + "'s '"
                            + field.getKey() + "' differs from its entry " + item.path("log_index").asLong());
                }
            }
        }
        return proven.size();
    }

    /** The entry of {@code {"index","entry","proof"}}, once proven to be in {@code checkpoint}'s tree. */
    private static JsonNode included(JsonNode proof, Checkpoint checkpoint, String what) throws VerificationException {
        long index = proof.path("index").asLong();
        byte[] entry = Base64.getDecoder().decode(proof.path("entry").asString(""));
        try {
            MerkleProofs.verifyInclusion(Hashes.leafHash(entry), index, checkpoint.size(), hashes(proof.path("proof")),
                    checkpoint.rootHash());
        } catch (VerificationException e) {
            throw new VerificationException(what + ": entry " + index + ": " + e.getMessage(), e);
        }
        return JsonBodies.JSON.readTree(entry);
    }

    private static List<byte[]> hashes(JsonNode array) {
        List<byte[]> out = new ArrayList<>();
        array.forEach(hash -> out.add(Base64.getDecoder().decode(hash.asString())));
        return out;
    }

    /** The next line's exact bytes, without its '\n'; null at the end. */
    private static byte[] line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            line.write(b);
        }
        return b == -1 && line.size() == 0 ? null : line.toByteArray();
    }
}
