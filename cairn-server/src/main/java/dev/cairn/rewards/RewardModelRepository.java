package dev.cairn.rewards;

import java.time.Instant;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The table of trained reward models, by workspace and name. */
@Repository
class RewardModelRepository {

    private final JdbcClient jdbc;

    RewardModelRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Stores a model under its name; false when the workspace already has a model of that name. */
    boolean save(RewardModel model) {
        return jdbc.sql("INSERT INTO reward_models (workspace, name, run_id, model, sha256, created_at) VALUES (?, ?, ?, ?, ?, ?) "
                        + "ON CONFLICT (workspace, name) DO NOTHING")
                .params(model.workspace(), model.name(), model.runId(), model.file(), model.sha256(),
                        Instant.now().toEpochMilli())
                .update() == 1;
    }

    Optional<RewardModel> find(String workspace, String name) {
        return jdbc.sql("SELECT run_id, model FROM reward_models WHERE workspace = ? AND name = ?")
                .params(workspace, name)
                .query((rs, n) -> RewardModel.read(workspace, name, rs.getString(1), rs.getBytes(2)))
                .optional();
    }

    boolean exists(String workspace, String name) {
        return jdbc.sql("SELECT COUNT(*) FROM reward_models WHERE workspace = ? AND name = ?")
                .params(workspace, name).query(Long.class).single() > 0;
    }
}
