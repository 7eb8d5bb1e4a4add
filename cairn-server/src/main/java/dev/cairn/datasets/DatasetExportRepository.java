package dev.cairn.datasets;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The table of background exports ({@code dataset_exports}) and their progress. */
@Repository
class DatasetExportRepository {

    private final JdbcClient jdbc;

    DatasetExportRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void create(DatasetExport export) {
        jdbc.sql("INSERT INTO dataset_exports (id, dataset_id, workspace, format, state, rows_done, rows_total, lines, bytes, "
                        + "created_at) VALUES (?, ?, ?, ?, 'queued', 0, ?, 0, 0, ?)")
                .params(export.id(), export.datasetId(), export.workspace(), export.format(), export.rowsTotal(),
                        export.createdAt().toEpochMilli())
                .update();
    }

    Optional<DatasetExport> find(String id) {
        return jdbc.sql("SELECT id, dataset_id, workspace, format, state, rows_done, rows_total, lines, bytes, error, "
                        + "created_at, finished_at FROM dataset_exports WHERE id = ?")
                .param(id)
                .query((rs, n) -> {
                    long finished = rs.getLong(12);
                    boolean unfinished = rs.wasNull();
                    return new DatasetExport(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(9), rs.getString(10),
                            Instant.ofEpochMilli(rs.getLong(11)), unfinished ? null : Instant.ofEpochMilli(finished));
                })
                .optional();
    }

    /** Started, or started again after a failed attempt: the file is written from the beginning. */
    boolean running(String id) {
        return jdbc.sql("UPDATE dataset_exports SET state = 'running', rows_done = 0, lines = 0, bytes = 0, error = NULL "
                        + "WHERE id = ? AND state <> 'expired'")
                .param(id).update() == 1;
    }

    void progress(String id, long rows, long lines, long bytes) {
        jdbc.sql("UPDATE dataset_exports SET rows_done = ?, lines = ?, bytes = ? WHERE id = ?")
                .params(rows, lines, bytes, id).update();
    }

    /** Finishes a running export; false when an erasure expired it meanwhile, so that its file is not kept. */
    boolean done(String id, DatasetExporter.Written written, Instant at) {
        return jdbc.sql("UPDATE dataset_exports SET state = 'done', rows_done = ?, lines = ?, bytes = ?, finished_at = ? "
                        + "WHERE id = ? AND state = 'running'")
                .params(written.rows(), written.lines(), written.bytes(), at.toEpochMilli(), id).update() == 1;
    }

    /**
     * Expires every export of a version that is queued, running or done, since an erasure took rows
     * out of the version after they were (or while they are being) written; their ids, whose files
     * are to be deleted.
     */
    List<String> expire(String datasetId, Instant at) {
        List<String> ids = jdbc.sql("SELECT id FROM dataset_exports WHERE dataset_id = ? AND state IN ('queued', 'running', 'done')")
                .param(datasetId).query(String.class).list();
        jdbc.sql("UPDATE dataset_exports SET state = 'expired', error = ?, finished_at = ? "
                        + "WHERE dataset_id = ? AND state IN ('queued', 'running', 'done')")
                .params("an erasure took rows out of dataset " + datasetId + " after this export was made; export it again",
                        at.toEpochMilli(), datasetId)
                .update();
        return ids;
    }

    void failed(String id, String error, Instant at) {
        jdbc.sql("UPDATE dataset_exports SET state = 'failed', error = ?, finished_at = ? WHERE id = ?")
                .params(error, at.toEpochMilli(), id).update();
    }
}
