package dev.cairn.platform.jobs;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code job_schedules} and {@code job_schedule_runs} tables: which schedules are known since
 * when, and which fire of each queued which job. Times are epoch milliseconds, UTC.
 */
@Repository
class ScheduleRepository {

    /** A fire that queued a job; {@code state} is the job's, null once the job's row is gone. */
    record Run(Instant fireTime, String jobId, StoredJob.State state) {
    }

    private final JdbcClient jdbc;

    ScheduleRepository(JdbcTemplate jdbcTemplate) {
        this.jdbc = JdbcClient.create(jdbcTemplate);
    }

    /**
     * Records that a process runs {@code schedule} as of {@code now} and answers the time after which
     * its fires are owed: when it was first seen, or {@code now} if its cron changed since. Processes
     * that start together agree on the answer, the database's.
     */
    Instant register(JobSchedule schedule, Instant now) {
        long millis = now.toEpochMilli();
        long firstSeen = jdbc.sql("""
                        INSERT INTO job_schedules (name, cron, kind, workspace, first_seen, updated_at) VALUES (?, ?, ?, ?, ?, ?)
                        ON CONFLICT (name) DO UPDATE SET
                            first_seen = CASE WHEN job_schedules.cron = excluded.cron THEN job_schedules.first_seen
                                              ELSE excluded.first_seen END,
                            cron = excluded.cron, kind = excluded.kind, workspace = excluded.workspace,
                            updated_at = excluded.updated_at
                        RETURNING first_seen""")
                .params(schedule.name(), schedule.cron().toString(), schedule.kind(), schedule.workspace(), millis, millis)
                .query(Long.class).single();
        return Instant.ofEpochMilli(firstSeen);
    }

    boolean hasRun(String schedule, Instant fireTime) {
        return jdbc.sql("SELECT 1 FROM job_schedule_runs WHERE schedule = ? AND fire_time = ?")
                .params(schedule, fireTime.toEpochMilli()).query(Integer.class).optional().isPresent();
    }

    /**
     * Records that the fire queued {@code jobId}, unless that fire is recorded already; false then. On
     * PostgreSQL a race with another process's uncommitted record of the same fire waits for it.
     */
    boolean recordRun(String schedule, Instant fireTime, String jobId, Instant now) {
        return jdbc.sql("INSERT INTO job_schedule_runs (schedule, fire_time, job_id, created_at) VALUES (?, ?, ?, ?)"
                        + " ON CONFLICT (schedule, fire_time) DO NOTHING")
                .params(schedule, fireTime.toEpochMilli(), jobId, now.toEpochMilli()).update() == 1;
    }

    Optional<Run> lastRun(String schedule) {
        return jdbc.sql("""
                        SELECT r.fire_time, r.job_id, j.state FROM job_schedule_runs r LEFT JOIN jobs j ON j.id = r.job_id
                        WHERE r.schedule = ? ORDER BY r.fire_time DESC LIMIT 1""")
                .param(schedule)
                .query((rs, row) -> {
                    String state = rs.getString("state");
                    return new Run(Instant.ofEpochMilli(rs.getLong("fire_time")), rs.getString("job_id"),
                            state == null ? null : StoredJob.State.valueOf(state.toUpperCase(Locale.ROOT)));
                })
                .optional();
    }
}
