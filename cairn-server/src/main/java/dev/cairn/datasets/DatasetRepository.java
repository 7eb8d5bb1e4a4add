package dev.cairn.datasets;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import dev.cairn.audit.ErasureParticipant;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The tables of dataset versions ({@code datasets}) and their frozen rows ({@code dataset_rows}).
 * Rows are read back in pages by ordinal, so that an export never holds more than a page.
 */
@Repository
class DatasetRepository {

    /** How many rows an export reads at a time. */
    static final int PAGE = 500;

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;

    DatasetRepository(JdbcClient jdbc, TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.transactions = transactions;
    }

    /**
     * One frozen row: its place, where its interaction is in the log, whose it is, and its exported
     * bytes; once a subject it holds is erased, no bytes and only {@code erasedLeaf}, the leaf hash it
     * had. {@code otherSubjects} are the further subjects whose content the row carries (the rejected
     * side of a preference between two requests); they are written with the row, not read back.
     */
    record Row(long ordinal, long interactionIndex, String subjectId, byte[] data, byte[] erasedLeaf,
               Set<String> otherSubjects) {

        Row(long ordinal, long interactionIndex, String subjectId, byte[] data, Set<String> otherSubjects) {
            this(ordinal, interactionIndex, subjectId, data, null, otherSubjects);
        }

        boolean erased() {
            return erasedLeaf != null;
        }
    }

    /** A version's rows that an erasure emptied: their ordinals and the leaf hashes kept for them. */
    record ErasedRows(String datasetId, String workspace, List<Long> ordinals, List<byte[]> leafHashes) {
    }

    /** A {@code dataset.rows_erased} entry a version is owed for the erasure logged at {@code erasureIndex}. */
    record OwedErasure(String datasetId, long erasureIndex, String workspace, String keyId) {
    }

    void create(Dataset dataset) {
        jdbc.sql("INSERT INTO datasets (id, workspace, key_id, filter, state, row_count, skipped, feedback_count, "
                        + "checkpoint_size, checkpoint_note, rows_root, manifest_index, created_at, scanned, scanned_through, "
                        + "build_job) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(dataset.id(), dataset.workspace(), dataset.keyId(), dataset.filter(), dataset.state(),
                        dataset.rows(), dataset.skipped(), dataset.feedback(), dataset.checkpointSize(),
                        dataset.checkpointNote(), dataset.rowsRoot(), dataset.manifestIndex(),
                        dataset.createdAt().toEpochMilli(), dataset.progress().scanned(),
                        dataset.progress().scannedThrough(), dataset.progress().buildJob())
                .update();
    }

    /**
     * Adds a batch of rows to a version being built together with the counts and scan position they
     * bring it to, in one transaction, so that a build interrupted at any point resumes exactly after
     * what was committed. {@code from} is the scan position the batch starts after: a second run of the
     * same build that got there first makes this one fail rather than write its rows twice.
     */
    void addRows(String datasetId, long from, List<Row> rows, long rowCount, long skipped, long feedback,
                 long scanned, long scannedThrough) {
        transactions.executeWithoutResult(status -> {
            int moved = jdbc.sql("UPDATE datasets SET row_count = ?, skipped = ?, feedback_count = ?, scanned = ?, "
                            + "scanned_through = ? WHERE id = ? AND state = 'building' AND scanned_through = ?")
                    .params(rowCount, skipped, feedback, scanned, scannedThrough, datasetId, from).update();
            if (moved != 1) {
                throw new IllegalStateException("dataset " + datasetId + " is no longer building from log index " + from
                        + ": another run of its build moved it on, or it was failed");
            }
            for (Row row : rows) {
                jdbc.sql("INSERT INTO dataset_rows (dataset_id, ordinal, interaction_index, subject_id, data) VALUES (?, ?, ?, ?, ?)")
                        .params(datasetId, row.ordinal(), row.interactionIndex(), row.subjectId(), row.data()).update();
                for (String subject : row.otherSubjects()) {
                    jdbc.sql("INSERT INTO dataset_row_subjects (dataset_id, ordinal, subject_id) VALUES (?, ?, ?)")
                            .params(datasetId, row.ordinal(), subject).update();
                }
            }
        });
    }

    /** Freezes a version: from here on nothing about it changes. */
    void built(Dataset dataset) {
        jdbc.sql("UPDATE datasets SET state = 'built', row_count = ?, skipped = ?, feedback_count = ?, rows_root = ?, "
                        + "manifest_index = ? WHERE id = ? AND state = 'building'")
                .params(dataset.rows(), dataset.skipped(), dataset.feedback(), dataset.rowsRoot(), dataset.manifestIndex(),
                        dataset.id())
                .update();
    }

    /**
     * Gives up on a version still building: it is kept, {@code failed} with why, so that whoever waits
     * for it learns what happened; its rows go, since a failed version is never exported.
     */
    void failed(String datasetId, Dataset.Failure failure) {
        transactions.executeWithoutResult(status -> {
            int changed = jdbc.sql("UPDATE datasets SET state = 'failed', error_code = ?, error = ? WHERE id = ? AND state = 'building'")
                    .params(failure.code(), failure.message(), datasetId).update();
            if (changed == 1) {
                jdbc.sql("DELETE FROM dataset_rows WHERE dataset_id = ?").param(datasetId).update();
                jdbc.sql("DELETE FROM dataset_row_subjects WHERE dataset_id = ?").param(datasetId).update();
            }
        });
    }

    Optional<Dataset> find(String id) {
        return jdbc.sql("SELECT id, workspace, key_id, filter, state, row_count, skipped, feedback_count, checkpoint_size, "
                        + "checkpoint_note, rows_root, manifest_index, created_at, scanned, scanned_through, build_job, "
                        + "error_code, error FROM datasets WHERE id = ?")
                .param(id)
                .query((rs, n) -> new Dataset(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(9), rs.getString(10),
                        rs.getString(11), nullableLong(rs, 12), Instant.ofEpochMilli(rs.getLong(13)),
                        new Dataset.Progress(rs.getLong(14), rs.getLong(15), rs.getString(16)),
                        rs.getString(17) == null ? null : new Dataset.Failure(rs.getString(17), rs.getString(18))))
                .optional();
    }

    /** A column that is null until the version is built (sqlite-jdbc refuses {@code getObject(i, Long.class)} on null). */
    private static Long nullableLong(ResultSet rs, int column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    /** A dataset of {@code workspace} in any state; one that does not exist and one of another workspace get the same 404. */
    Dataset in(String id, String workspace) {
        return find(id).filter(d -> d.workspace().equals(workspace)).orElseThrow(() -> DatasetException.notFound(id));
    }

    /** A built dataset of {@code workspace}: 404 as {@link #in}, 409 while it is building or when its build failed. */
    Dataset builtIn(String id, String workspace) {
        Dataset dataset = in(id, workspace);
        if (!dataset.isBuilt()) {
            throw DatasetException.notBuilt(dataset);
        }
        return dataset;
    }

    /** Up to {@link #PAGE} rows after {@code afterOrdinal}, in order. */
    List<Row> rows(String datasetId, long afterOrdinal) {
        return jdbc.sql("SELECT ordinal, interaction_index, subject_id, data, leaf_hash, erased_at FROM dataset_rows "
                        + "WHERE dataset_id = ? AND ordinal > ? ORDER BY ordinal LIMIT ?")
                .params(datasetId, afterOrdinal, PAGE)
                .query((rs, n) -> new Row(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getBytes(4),
                        rs.getObject(6) == null ? null : rs.getBytes(5), Set.of()))
                .list();
    }

    /**
     * Empties every row that holds {@code erasure}'s subject in the workspace's versions (as its
     * interaction's subject or as one of its other subjects), keeping only each row's leaf hash, and
     * owes each version a {@code dataset.rows_erased} entry, in one transaction; each version it
     * emptied rows of, with how many. Rows already emptied are left as they are.
     */
    List<ErasureParticipant.Holding> erase(ErasureParticipant.Erasure erasure, Function<byte[], byte[]> leafHash) {
        return transactions.execute(status -> {
            record Held(String datasetId, long ordinal, byte[] data) {
            }
            List<Held> held = jdbc.sql("SELECT r.dataset_id, r.ordinal, r.data FROM dataset_rows r JOIN datasets d ON d.id = r.dataset_id "
                            + "WHERE d.workspace = ? AND r.erased_at IS NULL AND (r.subject_id = ? OR EXISTS (SELECT 1 FROM "
                            + "dataset_row_subjects s WHERE s.dataset_id = r.dataset_id AND s.ordinal = r.ordinal AND s.subject_id = ?)) "
                            + "ORDER BY r.dataset_id, r.ordinal")
                    .params(erasure.workspace(), erasure.subjectId(), erasure.subjectId())
                    .query((rs, n) -> new Held(rs.getString(1), rs.getLong(2), rs.getBytes(3)))
                    .list();
            long now = Instant.now().toEpochMilli();
            Map<String, Long> versions = new LinkedHashMap<>();
            for (Held row : held) {
                jdbc.sql("UPDATE dataset_rows SET data = ?, leaf_hash = ?, erased_at = ?, erased_by = ? WHERE dataset_id = ? AND ordinal = ?")
                        .params(new byte[0], leafHash.apply(row.data()), now, erasure.index(), row.datasetId(), row.ordinal()).update();
                if (versions.merge(row.datasetId(), 1L, Long::sum) == 1) {
                    jdbc.sql("INSERT INTO dataset_erasures_owed (dataset_id, erasure_index, workspace, key_id) VALUES (?, ?, ?, ?)")
                            .params(row.datasetId(), erasure.index(), erasure.workspace(), erasure.keyId()).update();
                }
            }
            return versions.entrySet().stream().map(e -> new ErasureParticipant.Holding(e.getKey(), e.getValue())).toList();
        });
    }

    /** The {@code dataset.rows_erased} entries owed, oldest erasure first. */
    List<OwedErasure> owedErasures() {
        return jdbc.sql("SELECT dataset_id, erasure_index, workspace, key_id FROM dataset_erasures_owed ORDER BY erasure_index, dataset_id")
                .query((rs, n) -> new OwedErasure(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4)))
                .list();
    }

    boolean owesErasureEntry(String datasetId) {
        return jdbc.sql("SELECT COUNT(*) FROM dataset_erasures_owed WHERE dataset_id = ?").param(datasetId)
                .query(Long.class).single() > 0;
    }

    /** The rows of a version that an erasure emptied, with the leaf hashes kept for them, in order. */
    ErasedRows erasedBy(OwedErasure owed) {
        List<Long> ordinals = new ArrayList<>();
        List<byte[]> leaves = new ArrayList<>();
        jdbc.sql("SELECT ordinal, leaf_hash FROM dataset_rows WHERE dataset_id = ? AND erased_by = ? ORDER BY ordinal")
                .params(owed.datasetId(), owed.erasureIndex())
                .query(rs -> {
                    ordinals.add(rs.getLong(1));
                    leaves.add(rs.getBytes(2));
                });
        return new ErasedRows(owed.datasetId(), owed.workspace(), ordinals, leaves);
    }

    /** Pays an owed entry: records its log index for the version's bundle and drops the debt, together. */
    void erasureLogged(OwedErasure owed, long logIndex) {
        transactions.executeWithoutResult(status -> {
            jdbc.sql("INSERT INTO dataset_erasures (dataset_id, log_index) VALUES (?, ?)").params(owed.datasetId(), logIndex).update();
            jdbc.sql("DELETE FROM dataset_erasures_owed WHERE dataset_id = ? AND erasure_index = ?")
                    .params(owed.datasetId(), owed.erasureIndex()).update();
        });
    }

    /** The ordinals of a version's erased rows, in order. */
    List<Long> erasedOrdinals(String datasetId) {
        return jdbc.sql("SELECT ordinal FROM dataset_rows WHERE dataset_id = ? AND erased_at IS NOT NULL ORDER BY ordinal")
                .param(datasetId).query(Long.class).list();
    }

    /** The log indexes of a version's {@code dataset.rows_erased} entries, oldest first. */
    List<Long> erasureEntries(String datasetId) {
        return jdbc.sql("SELECT log_index FROM dataset_erasures WHERE dataset_id = ? ORDER BY log_index")
                .param(datasetId).query(Long.class).list();
    }
}
