package dev.cairn.datasets;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import javax.sql.DataSource;

import dev.cairn.audit.AuditRepository;
import dev.cairn.audit.CheckpointPublisher;
import dev.cairn.audit.EntryStore;
import dev.cairn.audit.StoredEntry;
import dev.cairn.ledger.HashSource;
import dev.cairn.ledger.MerkleProofs;
import dev.cairn.ledger.TileHashSource;
import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.OwnerOnlyFiles;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes a dataset version as a directory that {@link DatasetBundleVerifier} checks offline:
 * {@code rows.jsonl} (the rows, byte for byte), {@code sources.jsonl} (for each row, the log entries
 * it comes from with their inclusion proofs under the cut checkpoint), {@code checkpoint} (that signed
 * checkpoint), {@code manifest.json} (the {@code dataset.built} entry, proven under a later checkpoint
 * consistent with the cut, with the {@code dataset.rows_erased} entries that took rows out of it
 * since) and {@code vkey}. Rows of erased subjects are left out. Written a page of rows at a time.
 */
public final class DatasetBundleWriter {

    /** What was written. */
    public record Summary(long rows, long entries, long cutSize, long manifestTreeSize) {
    }

    private final DatasetRepository datasets;
    private final AuditRepository log;
    private final EntryStore entries;
    private final CheckpointPublisher checkpoints;

    private DatasetBundleWriter(DatasetRepository datasets, AuditRepository log, EntryStore entries,
                                CheckpointPublisher checkpoints) {
        this.datasets = datasets;
        this.log = log;
        this.entries = entries;
        this.checkpoints = checkpoints;
    }

    /** For the command line, which builds its parts by hand. */
    public static DatasetBundleWriter create(DataSource dataSource, JdbcClient jdbc, AuditRepository log, EntryStore entries,
                                             CheckpointPublisher checkpoints) {
        TransactionTemplate transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        return new DatasetBundleWriter(new DatasetRepository(jdbc, transactions), log, entries, checkpoints);
    }

    public Summary write(String datasetId, Path out, String vkey) throws IOException {
        Dataset dataset = datasets.find(datasetId)
                .orElseThrow(() -> new IllegalArgumentException("no dataset '" + datasetId + "'"));
        if (!dataset.isBuilt()) {
            throw new IllegalArgumentException("dataset '" + datasetId + "' is " + dataset.state()
                    + "; only a built version can be exported (GET /v1/datasets/" + datasetId + " shows its state)");
        }
        if (datasets.owesErasureEntry(datasetId)) {
            // Its erased rows could not be proven: the entry with their leaf hashes is not logged yet.
            throw new IllegalStateException("dataset '" + datasetId + "' has rows erased whose dataset.rows_erased entry "
                    + "is not in the log yet; the running server retries every " + ErasureRecords.RETRY_EVERY.toSeconds()
                    + " s, try again then");
        }
        OwnerOnlyFiles.createDirectories(out);
        long cut = dataset.checkpointSize();
        HashSource cutTree = new TileHashSource(tile -> log.tile(tile.level(), tile.index(), tile.width()), cut);
        long written = 0;
        long rows = 0;
        try (OutputStream rowsOut = new BufferedOutputStream(OwnerOnlyFiles.newOutputStream(out.resolve("rows.jsonl")));
             OutputStream sourcesOut = new BufferedOutputStream(OwnerOnlyFiles.newOutputStream(out.resolve("sources.jsonl")))) {
            long after = -1;
            while (true) {
                List<DatasetRepository.Row> page = datasets.rows(dataset.id(), after);
                for (DatasetRepository.Row row : page) {
                    after = row.ordinal();
                    if (row.erased()) {
                        continue; // omitted; its leaf hash is in the proven dataset.rows_erased entry
                    }
                    rowsOut.write(row.data());
                    rowsOut.write('\n');
                    ObjectNode sources = JsonBodies.JSON.createObjectNode();
                    sources.put("row", row.ordinal());
                    ArrayNode proven = sources.putArray("entries");
                    for (long index : sourceIndexes(JsonBodies.JSON.readTree(row.data()))) {
                        proven.add(proven(index, cutTree, cut));
                        written++;
                    }
                    sourcesOut.write(JsonBodies.JSON.writeValueAsBytes(sources));
                    sourcesOut.write('\n');
                    rows++;
                }
                if (page.size() < DatasetRepository.PAGE) {
                    break;
                }
            }
        }
        List<Long> erasures = datasets.erasureEntries(dataset.id());
        long latest = erasures.isEmpty() ? dataset.manifestIndex() : Math.max(dataset.manifestIndex(), erasures.getLast());
        CheckpointPublisher.Signed later = checkpoints.covering(latest);
        long laterSize = later.checkpoint().size();
        HashSource laterTree = new TileHashSource(tile -> log.tile(tile.level(), tile.index(), tile.width()), laterSize);
        ObjectNode manifest = proven(dataset.manifestIndex(), laterTree, laterSize);
        manifest.put("checkpoint", later.note());
        ArrayNode erased = manifest.putArray("erasures");
        for (long index : erasures) {
            erased.add(proven(index, laterTree, laterSize));
        }
        ArrayNode consistency = manifest.putArray("consistency");
        MerkleProofs.consistencyProof(laterTree, cut, laterSize)
                .forEach(hash -> consistency.add(Base64.getEncoder().encodeToString(hash)));
        OwnerOnlyFiles.write(out.resolve("manifest.json"), JsonBodies.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
        OwnerOnlyFiles.writeString(out.resolve("checkpoint"), dataset.checkpointNote());
        OwnerOnlyFiles.writeString(out.resolve("vkey"), vkey + "\n");
        return new Summary(rows, written, cut, laterSize);
    }

    /**
     * Every log entry a row names: its interaction, each feedback, and the other interactions those
     * cite (the rejected side of a preference between two requests).
     */
    static Set<Long> sourceIndexes(JsonNode row) {
        Set<Long> indexes = new LinkedHashSet<>();
        indexes.add(row.path("interaction_index").asLong());
        for (JsonNode item : row.path("feedback")) {
            indexes.add(item.path("log_index").asLong());
            for (String cited : List.of("interaction_index", "rejected_index")) {
                if (item.path(cited).isIntegralNumber()) {
                    indexes.add(item.path(cited).asLong());
                }
            }
        }
        return indexes;
    }

    private ObjectNode proven(long index, HashSource tree, long size) {
        StoredEntry stored = log.findByIndex(index)
                .orElseThrow(() -> new UncheckedIOException(new IOException("log entry " + index + " is not in the database")));
        ObjectNode json = JsonBodies.JSON.createObjectNode();
        json.put("index", index);
        json.put("entry", Base64.getEncoder().encodeToString(entries.data(stored)));
        ArrayNode proof = json.putArray("proof");
        MerkleProofs.inclusionProof(tree, index, size).forEach(hash -> proof.add(Base64.getEncoder().encodeToString(hash)));
        return json;
    }
}
