package dev.cairn.privacy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The budgets set through the admin API ({@code privacy_budgets}), each holder's ledger
 * ({@code privacy_holders}), the charges ({@code privacy_charges}) and the row PostgreSQL charges
 * lock ({@code privacy_charge_lock}). Times are epoch milliseconds, UTC.
 */
@Repository
class BudgetRepository {

    /** A holder's ledger as stored: the runs charged to it and how many charges they are. */
    record Spending(PrivacyLedger ledger, long charges) {

        static final Spending NONE = new Spending(PrivacyLedger.empty(), 0);
    }

    /** A charge row: {@code logIndex} null until it is applied. */
    record ChargeRow(String id, String workspace, String computation, String data, Long logIndex) {
    }

    private final JdbcClient jdbc;

    BudgetRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<Budget> override(String workspace, BudgetHolder holder) {
        return jdbc.sql("SELECT epsilon, delta FROM privacy_budgets WHERE workspace = ? AND kind = ? AND holder = ?")
                .params(workspace, holder.kind().wire(), holder.id())
                .query((rs, n) -> new Budget(rs.getDouble(1), rs.getDouble(2))).optional();
    }

    void putOverride(String workspace, BudgetHolder holder, Budget budget, String actorKeyId, Instant at) {
        int updated = jdbc.sql("UPDATE privacy_budgets SET epsilon = ?, delta = ?, updated_at = ?, updated_by = ? "
                        + "WHERE workspace = ? AND kind = ? AND holder = ?")
                .params(budget.epsilon(), budget.delta(), at.toEpochMilli(), actorKeyId, workspace, holder.kind().wire(), holder.id())
                .update();
        if (updated == 0) {
            // Two admins setting the same new override at once: the loser's primary-key error is a 500 they may retry.
            jdbc.sql("INSERT INTO privacy_budgets (workspace, kind, holder, epsilon, delta, updated_at, updated_by) "
                            + "VALUES (?, ?, ?, ?, ?, ?, ?)")
                    .params(workspace, holder.kind().wire(), holder.id(), budget.epsilon(), budget.delta(), at.toEpochMilli(),
                            actorKeyId)
                    .update();
        }
    }

    boolean deleteOverride(String workspace, BudgetHolder holder) {
        return jdbc.sql("DELETE FROM privacy_budgets WHERE workspace = ? AND kind = ? AND holder = ?")
                .params(workspace, holder.kind().wire(), holder.id()).update() == 1;
    }

    Spending spending(String workspace, BudgetHolder holder) {
        return jdbc.sql("SELECT ledger, charges FROM privacy_holders WHERE workspace = ? AND kind = ? AND holder = ?")
                .params(workspace, holder.kind().wire(), holder.id())
                .query((rs, n) -> new Spending(PrivacyLedger.fromJson(rs.getString(1)), rs.getLong(2)))
                .optional().orElse(Spending.NONE);
    }

    void putSpending(String workspace, BudgetHolder holder, Spending spending, Instant at) {
        int updated = jdbc.sql("UPDATE privacy_holders SET ledger = ?, charges = ?, updated_at = ? "
                        + "WHERE workspace = ? AND kind = ? AND holder = ?")
                .params(spending.ledger().toJson(), spending.charges(), at.toEpochMilli(), workspace, holder.kind().wire(), holder.id())
                .update();
        if (updated == 0) {
            jdbc.sql("INSERT INTO privacy_holders (workspace, kind, holder, ledger, charges, updated_at) VALUES (?, ?, ?, ?, ?, ?)")
                    .params(workspace, holder.kind().wire(), holder.id(), spending.ledger().toJson(), spending.charges(), at.toEpochMilli())
                    .update();
        }
    }

    /**
     * The workspace's holders that have a ledger or a budget set, of {@code kind} when not null, in
     * the order of their ids (unique across kinds: {@code ds_…}, {@code key_…}), after {@code afterId}
     * when not null, at most {@code limit}.
     */
    List<BudgetHolder> holders(String workspace, BudgetHolder.Kind kind, String afterId, int limit) {
        StringBuilder sql = new StringBuilder("SELECT kind, holder FROM (SELECT kind, holder FROM privacy_holders "
                + "WHERE workspace = ? UNION SELECT kind, holder FROM privacy_budgets WHERE workspace = ?) AS h WHERE holder > ?");
        List<Object> params = new ArrayList<>(List.of(workspace, workspace, afterId == null ? "" : afterId));
        if (kind != null) {
            sql.append(" AND kind = ?");
            params.add(kind.wire());
        }
        sql.append(" ORDER BY holder, kind LIMIT ?");
        params.add(limit);
        return jdbc.sql(sql.toString()).params(params)
                .query((rs, n) -> new BudgetHolder(BudgetHolder.Kind.parse(rs.getString(1), "kind"), rs.getString(2)))
                .list();
    }

    /** Takes the row that PostgreSQL charges queue on, until the transaction ends. */
    void lockCharges() {
        jdbc.sql("SELECT id FROM privacy_charge_lock WHERE id = 1 FOR UPDATE").query(Long.class).single();
    }

    void insertCharge(ChargeRow charge, Instant at) {
        jdbc.sql("INSERT INTO privacy_charges (id, workspace, computation, data, log_index, created_at) VALUES (?, ?, ?, ?, NULL, ?)")
                .params(charge.id(), charge.workspace(), charge.computation(), charge.data(), at.toEpochMilli()).update();
    }

    /** Marks a charge applied at {@code logIndex}; false when it already was, so it is applied once. */
    boolean settle(String id, long logIndex) {
        return jdbc.sql("UPDATE privacy_charges SET log_index = ? WHERE id = ? AND log_index IS NULL")
                .params(logIndex, id).update() == 1;
    }

    boolean deleteUnsettled(String id) {
        return jdbc.sql("DELETE FROM privacy_charges WHERE id = ? AND log_index IS NULL").param(id).update() == 1;
    }

    /** Charges whose audit entry's fate was not known when they were written, oldest first. */
    List<ChargeRow> unsettled() {
        return jdbc.sql("SELECT id, workspace, computation, data, log_index FROM privacy_charges WHERE log_index IS NULL "
                        + "ORDER BY created_at, id")
                .query((rs, n) -> new ChargeRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), null))
                .list();
    }
}
