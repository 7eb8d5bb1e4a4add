package dev.cairn.usage;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Writes usage events in batches and answers grouped totals over a time range. */
@Repository
public class UsageRepository {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);

    private final JdbcTemplate jdbcTemplate;
    private final JdbcClient jdbc;

    public UsageRepository(JdbcTemplate jdbcTemplate, JdbcClient jdbc) {
        this.jdbcTemplate = jdbcTemplate;
        this.jdbc = jdbc;
    }

    public void insertAll(List<UsageEvent> events) {
        jdbcTemplate.batchUpdate("""
                INSERT INTO usage_events (created_at, day, key_id, workspace, route, model, provider, status, error_code,
                  stream, prompt_tokens, completion_tokens, cost_nano_usd, latency_ms, upstream_latency_ms, trace_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", events, 500, (ps, e) -> {
            ps.setLong(1, e.at().toEpochMilli());
            ps.setString(2, DAY.format(e.at()));
            ps.setString(3, e.keyId());
            ps.setString(4, e.workspace());
            ps.setString(5, e.route());
            ps.setString(6, e.model());
            ps.setString(7, e.provider());
            ps.setInt(8, e.status());
            ps.setString(9, e.errorCode());
            ps.setBoolean(10, e.stream());
            ps.setLong(11, e.promptTokens());
            ps.setLong(12, e.completionTokens());
            ps.setLong(13, e.costNanoUsd());
            ps.setDouble(14, e.latencyMs());
            ps.setDouble(15, e.upstreamLatencyMs());
            ps.setString(16, e.traceId());
        });
    }

    /** What the usage endpoint can group by, each naming a column of {@code usage_events}. */
    public enum GroupBy {
        MODEL("model"), KEY("key_id"), DAY("day");

        final String column;

        GroupBy(String column) {
            this.column = column;
        }
    }

    /** Totals of one group. */
    public record Totals(String group, long requests, long errors, long promptTokens, long completionTokens,
                         long costNanoUsd, double averageLatencyMs) {
    }

    /** Totals per group for {@code from <= created_at < to}; a null workspace means all of them. */
    public List<Totals> totals(Instant from, Instant to, String workspace, GroupBy groupBy) {
        String sql = "SELECT " + groupBy.column + " AS grp, COUNT(*) AS requests,"
                + " SUM(CASE WHEN status >= 400 THEN 1 ELSE 0 END) AS errors,"
                + " SUM(prompt_tokens) AS prompt_tokens, SUM(completion_tokens) AS completion_tokens,"
                + " SUM(cost_nano_usd) AS cost, AVG(latency_ms) AS latency"
                + " FROM usage_events WHERE created_at >= ? AND created_at < ?"
                + (workspace == null ? "" : " AND workspace = ?")
                + " GROUP BY " + groupBy.column + " ORDER BY " + groupBy.column;
        var statement = jdbc.sql(sql).param(from.toEpochMilli()).param(to.toEpochMilli());
        if (workspace != null) {
            statement = statement.param(workspace);
        }
        return statement.query((rs, row) -> new Totals(rs.getString("grp"), rs.getLong("requests"), rs.getLong("errors"),
                rs.getLong("prompt_tokens"), rs.getLong("completion_tokens"), rs.getLong("cost"),
                rs.getDouble("latency"))).list();
    }

    /** Whose spending {@link #spent} sums: one key's or one workspace's. */
    public enum Spender {
        KEY("key_id"), WORKSPACE("workspace");

        final String column;

        Spender(String column) {
            this.column = column;
        }
    }

    /** Costs in nano-dollars since the start of a month and since the start of a day within it. */
    public record Spent(long sinceMonthStart, long sinceDayStart) {
    }

    /**
     * What one key or workspace spent from {@code monthStart} on, and from {@code dayStart} on
     * ({@code dayStart} not before {@code monthStart}): one indexed range scan for both, for budgets.
     */
    public Spent spent(Spender spender, String id, Instant monthStart, Instant dayStart) {
        return jdbc.sql("SELECT COALESCE(SUM(cost_nano_usd), 0) AS month,"
                        + " COALESCE(SUM(CASE WHEN created_at >= ? THEN cost_nano_usd ELSE 0 END), 0) AS day"
                        + " FROM usage_events WHERE " + spender.column + " = ? AND created_at >= ?")
                .param(dayStart.toEpochMilli()).param(id).param(monthStart.toEpochMilli())
                .query((rs, row) -> new Spent(rs.getLong("month"), rs.getLong("day"))).single();
    }
}
