package dev.cairn.platform.jobs;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import dev.cairn.platform.Dialect;
import dev.cairn.platform.Ids;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code jobs} table. Every change of a claimed job is conditional on the claim's lease id, so a
 * worker that lost its lease (it stalled, the job was handed to another) cannot overwrite the newer
 * run's outcome. Reads name the schedule fire that queued a job, from {@code job_schedule_runs}.
 * Times are epoch milliseconds, UTC.
 */
@Repository
class JobRepository {

    /** A job and the schedule fire that queued it, if one did. */
    private static final String SELECT = "SELECT jobs.id, jobs.kind, jobs.workspace, jobs.payload, jobs.state, jobs.attempts,"
            + " jobs.max_attempts, jobs.run_after, jobs.locked_until, jobs.last_error, jobs.created_at, jobs.updated_at,"
            + " jobs.finished_at, runs.schedule, runs.fire_time"
            + " FROM jobs LEFT JOIN job_schedule_runs runs ON runs.job_id = jobs.id";
    private static final String RELEASED = "locked_by = NULL, locked_until = NULL";

    /** A job claimed by one worker until {@code lease} is renewed or the job is finished. */
    record Claim(Job job, String lease, int maxAttempts) {
    }

    /** What the admin listing filters on; null means any. {@code schedule} keeps the jobs that schedule's fires queued. */
    record Filter(StoredJob.State state, String kind, String workspace, String schedule) {
    }

    private final JdbcTemplate jdbcTemplate;
    private final JdbcClient jdbc;
    /** PostgreSQL locks the chosen row and skips rows other workers hold; SQLite has one writer at a time anyway. */
    private final boolean skipLocked;

    JobRepository(JdbcTemplate jdbcTemplate, Dialect dialect) {
        this.jdbcTemplate = jdbcTemplate;
        this.jdbc = JdbcClient.create(jdbcTemplate);
        this.skipLocked = dialect == Dialect.POSTGRESQL;
    }

    /**
     * Inserts queued jobs due at once, in the caller's transaction if there is one; returns their ids.
     * {@code subjectId} is the data subject whose content the jobs work on (null: none), for erasure.
     */
    List<String> insert(String kind, String workspace, String subjectId, List<String> payloads, int maxAttempts, long now) {
        List<String> ids = new ArrayList<>(payloads.size());
        for (int i = 0; i < payloads.size(); i++) {
            ids.add(Ids.newId("job"));
        }
        jdbcTemplate.batchUpdate("""
                INSERT INTO jobs (id, kind, workspace, payload, state, attempts, max_attempts, run_after, created_at, updated_at,
                                  subject_id)
                VALUES (?, ?, ?, ?, 'queued', 0, ?, ?, ?, ?, ?)""", indexes(payloads.size()), 500, (ps, i) -> {
                    ps.setString(1, ids.get(i));
                    ps.setString(2, kind);
                    ps.setString(3, workspace);
                    ps.setString(4, payloads.get(i));
                    ps.setInt(5, maxAttempts);
                    ps.setLong(6, now);
                    ps.setLong(7, now);
                    ps.setLong(8, now);
                    ps.setString(9, subjectId);
                });
        return ids;
    }

    /** What erasing a subject did to its jobs: queued ones deleted, the others' payloads and errors overwritten. */
    record Erased(int deleted, int scrubbed) {
    }

    /**
     * Deletes the subject's queued jobs and overwrites the payload and last error of the rest
     * (running, succeeded, failed) with {@code payload} and {@code error}, in the caller's transaction.
     */
    Erased eraseSubject(String workspace, String subjectId, String payload, String error, long now) {
        int deleted = jdbc.sql("DELETE FROM jobs WHERE workspace = ? AND subject_id = ? AND state = 'queued'")
                .params(workspace, subjectId).update();
        int scrubbed = jdbc.sql("UPDATE jobs SET payload = ?, last_error = CASE WHEN last_error IS NULL THEN NULL ELSE ? END,"
                        + " updated_at = ? WHERE workspace = ? AND subject_id = ?")
                .params(payload, error, now, workspace, subjectId).update();
        return new Erased(deleted, scrubbed);
    }

    /**
     * Claims the queued job of one of {@code kinds} that has been due longest, in one statement: it
     * is running under a new lease, its attempt counted, before any other worker can see it queued.
     */
    Optional<Claim> claim(Collection<String> kinds, long now, long leaseUntil) {
        String placeholders = String.join(", ", Collections.nCopies(kinds.size(), "?"));
        // Most polls find nothing. An UPDATE takes SQLite's write lock even when it changes no row,
        // and every idle worker's poll would then make the audit log's writer wait its turn; a read
        // first costs nothing of the sort (WAL readers do not block the writer).
        var due = jdbc.sql("SELECT 1 FROM jobs WHERE state = 'queued' AND run_after <= ? AND kind IN (" + placeholders
                + ") LIMIT 1").param(now);
        for (String kind : kinds) {
            due = due.param(kind);
        }
        if (due.query(Integer.class).optional().isEmpty()) {
            return Optional.empty();
        }
        String lease = Ids.newId("lease");
        String sql = "UPDATE jobs SET state = 'running', attempts = attempts + 1, locked_by = ?, locked_until = ?,"
                + " updated_at = ? WHERE id = (SELECT id FROM jobs WHERE state = 'queued' AND run_after <= ?"
                + " AND kind IN (" + placeholders + ") ORDER BY run_after LIMIT 1"
                + (skipLocked ? " FOR UPDATE SKIP LOCKED" : "") + ")"
                + " RETURNING id, kind, workspace, payload, attempts, max_attempts";
        var statement = jdbc.sql(sql).param(lease).param(leaseUntil).param(now).param(now);
        for (String kind : kinds) {
            statement = statement.param(kind);
        }
        return statement.query((rs, row) -> new Claim(new Job(rs.getString("id"), rs.getString("kind"),
                rs.getString("workspace"), rs.getString("payload"), rs.getInt("attempts")), lease,
                rs.getInt("max_attempts"))).optional();
    }

    /** Whether the lease was still this claim's, and is now extended. */
    boolean renew(Claim claim, long leaseUntil) {
        return jdbc.sql("UPDATE jobs SET locked_until = ? WHERE id = ? AND locked_by = ?")
                .param(leaseUntil).param(claim.job().id()).param(claim.lease()).update() == 1;
    }

    boolean succeed(Claim claim, long now) {
        return jdbc.sql("UPDATE jobs SET state = 'succeeded', " + RELEASED + ", updated_at = ?, finished_at = ?"
                        + " WHERE id = ? AND locked_by = ?")
                .param(now).param(now).param(claim.job().id()).param(claim.lease()).update() == 1;
    }

    boolean retry(Claim claim, String error, long runAfter, long now) {
        return jdbc.sql("UPDATE jobs SET state = 'queued', " + RELEASED + ", run_after = ?, last_error = ?, updated_at = ?"
                        + " WHERE id = ? AND locked_by = ?")
                .param(runAfter).param(error).param(now).param(claim.job().id()).param(claim.lease()).update() == 1;
    }

    boolean fail(Claim claim, String error, long now) {
        return jdbc.sql("UPDATE jobs SET state = 'failed', " + RELEASED + ", last_error = ?, updated_at = ?, finished_at = ?"
                        + " WHERE id = ? AND locked_by = ?")
                .param(error).param(now).param(now).param(claim.job().id()).param(claim.lease()).update() == 1;
    }

    /** Queues a job again as if this run had not happened: it was cut short by shutdown, not by the job. */
    boolean release(Claim claim, long now) {
        return jdbc.sql("UPDATE jobs SET state = 'queued', " + RELEASED + ", attempts = attempts - 1, run_after = ?,"
                        + " updated_at = ? WHERE id = ? AND locked_by = ?")
                .param(now).param(now).param(claim.job().id()).param(claim.lease()).update() == 1;
    }

    /**
     * Takes back every running job whose lease has expired: its process died or stalled. The run
     * counts as an attempt (the job itself may be what killed the process), so a job whose attempts
     * are spent fails, and the rest are queued to run at once. Returns how many were taken back.
     */
    int reclaimExpired(long now, String error) {
        return jdbc.sql("UPDATE jobs SET state = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END,"
                        + " finished_at = CASE WHEN attempts >= max_attempts THEN ? ELSE NULL END,"
                        + " " + RELEASED + ", run_after = ?, last_error = ?, updated_at = ?"
                        + " WHERE state = 'running' AND locked_until <= ?")
                .param(now).param(now).param(error).param(now).param(now).update();
    }

    /** The kinds that have queued jobs, to tell which of them no handler here serves. */
    List<String> queuedKinds() {
        return jdbc.sql("SELECT DISTINCT kind FROM jobs WHERE state = 'queued'").query(String.class).list();
    }

    Optional<StoredJob> find(String id) {
        return jdbc.sql(SELECT + " WHERE jobs.id = ?").param(id).query(JobRepository::stored).optional();
    }

    /** Jobs matching {@code filter}, newest first, older than the job {@code after} when given. */
    List<StoredJob> list(Filter filter, String after, int limit) {
        List<String> conditions = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        if (filter.state() != null) {
            conditions.add("jobs.state = ?");
            params.add(filter.state().wireName());
        }
        where(filter, conditions, params);
        if (after != null) {
            conditions.add("jobs.id < ?");
            params.add(after);
        }
        params.add(limit);
        return jdbc.sql(SELECT + clause(conditions) + " ORDER BY jobs.id DESC LIMIT ?")
                .params(params).query(JobRepository::stored).list();
    }

    /** How many jobs are in each state, among those of the filter's kind and workspace; every state is present. */
    Map<StoredJob.State, Long> counts(Filter filter) {
        List<String> conditions = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        where(filter, conditions, params);
        Map<StoredJob.State, Long> counts = new EnumMap<>(StoredJob.State.class);
        for (StoredJob.State state : StoredJob.State.values()) {
            counts.put(state, 0L);
        }
        jdbc.sql("SELECT state, COUNT(*) AS n FROM jobs" + clause(conditions) + " GROUP BY state").params(params)
                .query((rs, row) -> Map.entry(rs.getString("state"), rs.getLong("n"))).list()
                .forEach(count -> StoredJob.State.parse(count.getKey()).ifPresent(state -> counts.put(state, count.getValue())));
        return counts;
    }

    private static void where(Filter filter, List<String> conditions, List<Object> params) {
        if (filter.kind() != null) {
            conditions.add("jobs.kind = ?");
            params.add(filter.kind());
        }
        if (filter.workspace() != null) {
            conditions.add("jobs.workspace = ?");
            params.add(filter.workspace());
        }
        if (filter.schedule() != null) {
            conditions.add("jobs.id IN (SELECT job_id FROM job_schedule_runs WHERE schedule = ?)");
            params.add(filter.schedule());
        }
    }

    private static String clause(List<String> conditions) {
        return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
    }

    private static List<Integer> indexes(int size) {
        List<Integer> indexes = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            indexes.add(i);
        }
        return indexes;
    }

    private static StoredJob stored(ResultSet rs, int row) throws SQLException {
        return new StoredJob(rs.getString("id"), rs.getString("kind"), rs.getString("workspace"), rs.getString("payload"),
                StoredJob.State.valueOf(rs.getString("state").toUpperCase(Locale.ROOT)), rs.getInt("attempts"),
                rs.getInt("max_attempts"), instant(rs, "run_after"), instant(rs, "locked_until"), rs.getString("last_error"),
                instant(rs, "created_at"), instant(rs, "updated_at"), instant(rs, "finished_at"),
                rs.getString("schedule") == null ? null : new StoredJob.Fire(rs.getString("schedule"), instant(rs, "fire_time")));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        long millis = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
    }
}
