package dev.cairn.access;

import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Stores API keys in {@code api_keys}; times are epoch milliseconds, UTC. */
@Repository
public class ApiKeyRepository {

    private static final String COLUMNS =
            "id, secret_hash, display_prefix, workspace, name, is_admin, is_auditor, is_annotator, allowed_models, created_at, revoked_at, last_used_at";

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    private final JdbcClient jdbc;

    public ApiKeyRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void insert(ApiKey key) {
        jdbc.sql("INSERT INTO api_keys (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(key.id(), key.secretHash(), key.displayPrefix(), key.workspace(), key.name(),
                        key.role() == Role.ADMIN, key.role() == Role.AUDITOR, key.role() == Role.ANNOTATOR,
                        key.allowedModels().isEmpty() ? null : String.join(",", key.allowedModels()),
                        key.createdAt().toEpochMilli(), millis(key.revokedAt()), millis(key.lastUsedAt()))
                .update();
    }

    public Optional<ApiKey> findByHash(String secretHash) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM api_keys WHERE secret_hash = ?")
                .param(secretHash).query(ApiKeyRepository::map).optional();
    }

    public Optional<ApiKey> findById(String id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM api_keys WHERE id = ?")
                .param(id).query(ApiKeyRepository::map).optional();
    }

    /** Keys newest first; a null workspace means all workspaces. */
    public List<ApiKey> list(String workspace) {
        if (workspace == null) {
            return jdbc.sql("SELECT " + COLUMNS + " FROM api_keys ORDER BY id DESC").query(ApiKeyRepository::map).list();
        }
        return jdbc.sql("SELECT " + COLUMNS + " FROM api_keys WHERE workspace = ? ORDER BY id DESC")
                .param(workspace).query(ApiKeyRepository::map).list();
    }

    /** Returns false when no such key exists; revoking twice keeps the first revocation time. */
    /** Removes a key that was never handed out (its creation could not be audited). */
    public void delete(String id) {
        jdbc.sql("DELETE FROM api_keys WHERE id = ?").param(id).update();
    }

    public boolean revoke(String id, Instant at) {
        int found = jdbc.sql("UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?")
                .params(at.toEpochMilli(), id).update();
        return found > 0;
    }

    public void touchLastUsed(String id, Instant at) {
        jdbc.sql("UPDATE api_keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)")
                .params(at.toEpochMilli(), id, at.toEpochMilli()).update();
    }

    /** What {@link #secretStorage} found: how many keys, and the ids of those stored otherwise than hashed. */
    public record SecretStorage(long keys, List<String> notHashed) {
    }

    /**
     * Reads every row as stored, whatever columns the table has now: a key counts as not hashed when
     * its {@code secret_hash} is not a hex SHA-256 ({@link ApiKeySecrets#hash}) or any of its columns
     * holds a whole secret.
     */
    public SecretStorage secretStorage() {
        List<String> notHashed = new ArrayList<>();
        long[] keys = {0};
        jdbc.sql("SELECT * FROM api_keys").query(rs -> {
            keys[0]++;
            boolean plain = !SHA256_HEX.matcher(String.valueOf(rs.getString("secret_hash"))).matches();
            ResultSetMetaData columns = rs.getMetaData();
            for (int column = 1; column <= columns.getColumnCount() && !plain; column++) {
                plain = ApiKeySecrets.wellFormed(rs.getString(column));
            }
            if (plain) {
                notHashed.add(rs.getString("id"));
            }
        });
        return new SecretStorage(keys[0], notHashed);
    }

    private static ApiKey map(ResultSet rs, int row) throws SQLException {
        String models = rs.getString("allowed_models");
        return new ApiKey(rs.getString("id"), rs.getString("secret_hash"), rs.getString("display_prefix"),
                rs.getString("workspace"), rs.getString("name"),
                rs.getBoolean("is_admin") ? Role.ADMIN : rs.getBoolean("is_auditor") ? Role.AUDITOR
                        : rs.getBoolean("is_annotator") ? Role.ANNOTATOR : Role.USER,
                models == null || models.isBlank() ? List.of() : Arrays.asList(models.split(",")),
                instant(rs, "created_at"), instant(rs, "revoked_at"), instant(rs, "last_used_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(value);
    }

    private static Long millis(Instant instant) {
        return instant == null ? null : instant.toEpochMilli();
    }
}
