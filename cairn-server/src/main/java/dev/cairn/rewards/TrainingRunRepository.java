package dev.cairn.rewards;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The table of training runs and their checkpoints. */
@Repository
class TrainingRunRepository {

    private static final String COLUMNS = "id, workspace, key_id, dataset_id, model_name, settings, state, step, steps, "
            + "metrics, epsilon, delta, record_index, error, created_at, finished_at";

    private final JdbcClient jdbc;

    TrainingRunRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Stores a new run with a private run's noise secret; false when the workspace has a run in
     * progress or completed for the same model name (the unique index that reserves names).
     */
    boolean create(TrainingRun run, byte[] noiseSecret) {
        return jdbc.sql("INSERT INTO training_runs (" + COLUMNS + ", noise_secret) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                        + "ON CONFLICT DO NOTHING")
                .params(run.id(), run.workspace(), run.keyId(), run.datasetId(), run.modelName(), run.settings(), run.state(),
                        run.step(), run.steps(), run.metrics(), run.epsilon(), run.delta(), run.recordIndex(), run.error(),
                        run.createdAt().toEpochMilli(), null, noiseSecret)
                .update() == 1;
    }

    /** Drops a run refused after it was stored (its budget charge failed), freeing its name. */
    void discard(String id) {
        jdbc.sql("DELETE FROM training_runs WHERE id = ?").param(id).update();
    }

    /** A private run's noise secret while it runs. */
    Optional<byte[]> noiseSecret(String id) {
        return jdbc.sql("SELECT noise_secret FROM training_runs WHERE id = ? AND noise_secret IS NOT NULL").param(id)
                .query(byte[].class).optional();
    }

    Optional<TrainingRun> find(String id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM training_runs WHERE id = ?").param(id)
                .query(TrainingRunRepository::map).optional();
    }

    /** The workspace's runs, newest first, after the cursor {@code afterId} when given. */
    List<TrainingRun> list(String workspace, String afterId, int limit) {
        // Run ids are time-ordered, so "newer" is "greater".
        if (afterId == null) {
            return jdbc.sql("SELECT " + COLUMNS + " FROM training_runs WHERE workspace = ? ORDER BY id DESC LIMIT ?")
                    .params(workspace, limit).query(TrainingRunRepository::map).list();
        }
        return jdbc.sql("SELECT " + COLUMNS + " FROM training_runs WHERE workspace = ? AND id < ? ORDER BY id DESC LIMIT ?")
                .params(workspace, afterId, limit).query(TrainingRunRepository::map).list();
    }

    /** The saved checkpoint, if the run has one. */
    Optional<byte[]> checkpoint(String id) {
        return jdbc.sql("SELECT checkpoint FROM training_runs WHERE id = ? AND checkpoint IS NOT NULL").param(id)
                .query(byte[].class).optional();
    }

    /** Whether the run is still running: not cancelled, failed or completed meanwhile. */
    boolean isRunning(String id) {
        return jdbc.sql("SELECT COUNT(*) FROM training_runs WHERE id = ? AND state = 'running'").param(id)
                .query(Long.class).single() > 0;
    }

    /** Moves a queued or running run to running; false when it has finished (cancelled meanwhile). */
    boolean running(String id) {
        return jdbc.sql("UPDATE training_runs SET state = 'running' WHERE id = ? AND state IN ('queued', 'running')")
                .param(id).update() == 1;
    }

    /** Saves progress; false when the run has been cancelled meanwhile, so that the trainer stops. */
    boolean checkpoint(String id, int step, byte[] state) {
        return jdbc.sql("UPDATE training_runs SET step = ?, checkpoint = ? WHERE id = ? AND state = 'running'")
                .params(step, state, id).update() == 1;
    }

    boolean completed(String id, int step, String metrics, Double epsilon, long recordIndex) {
        return jdbc.sql("UPDATE training_runs SET state = 'completed', step = ?, metrics = ?, epsilon = ?, record_index = ?, "
                        + "checkpoint = NULL, noise_secret = NULL, finished_at = ? WHERE id = ? AND state = 'running'")
                .params(step, metrics, epsilon, recordIndex, Instant.now().toEpochMilli(), id).update() == 1;
    }

    void failed(String id, String error) {
        jdbc.sql("UPDATE training_runs SET state = 'failed', error = ?, checkpoint = NULL, noise_secret = NULL, finished_at = ? "
                        + "WHERE id = ? AND state IN ('queued', 'running')")
                .params(error, Instant.now().toEpochMilli(), id).update();
    }

    /** Cancels a run that has not finished; false when it had. */
    boolean cancel(String id) {
        return jdbc.sql("UPDATE training_runs SET state = 'cancelled', checkpoint = NULL, noise_secret = NULL, finished_at = ? "
                        + "WHERE id = ? AND state IN ('queued', 'running')")
                .params(Instant.now().toEpochMilli(), id).update() == 1;
    }

    private static TrainingRun map(ResultSet rs, int row) throws SQLException {
        Long finished = rs.getObject(16) == null ? null : rs.getLong(16);
        return new TrainingRun(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getString(7), rs.getInt(8), rs.getInt(9), rs.getString(10),
                rs.getObject(11) == null ? null : rs.getDouble(11), rs.getObject(12) == null ? null : rs.getDouble(12),
                rs.getObject(13) == null ? null : rs.getLong(13), rs.getString(14), Instant.ofEpochMilli(rs.getLong(15)),
                finished == null ? null : Instant.ofEpochMilli(finished));
    }
}
