package dev.cairn.privacy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.ReentrantLock;

import dev.cairn.audit.AuditEvent;
import dev.cairn.audit.AuditLog;
import dev.cairn.audit.AuditRepository;
import dev.cairn.audit.StoredEntry;
import dev.cairn.platform.Dialect;
import dev.cairn.platform.Ids;
import dev.cairn.platform.JsonBodies;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Charges a private computation to the budget of everyone whose data it uses, all or none. The run
 * is added to every holder's ledger only if each holder's composed ε stays within its budget;
 * otherwise the computation is refused (409, naming the holder) and nothing is written anywhere.
 *
 * <p>Charges run one at a time: a fair lock in this process and, on PostgreSQL, a row lock that
 * queues other processes (SQLite has one writing process). A charge is recorded before it counts,
 * in three steps: (1) a {@code privacy_charges} row, unsettled; (2) its {@code privacy.charged}
 * audit entry, whose event id is the charge's id, awaited until committed; (3) in one transaction,
 * the run added to every holder's ledger and the row settled with the entry's index. If (2) fails,
 * the row is deleted and the caller refused (503), nothing charged. If (3) fails, or the process
 * stops between the steps, the row stays unsettled, and the next charge settles it first: applied
 * from the entry if the log holds it, deleted if not. Settling is conditional on the row being
 * unsettled, so a charge is applied once, and the log and the ledgers agree: every applied charge
 * has its entry, and every entry is applied by the next charge at the latest.
 */
@Service
public class BudgetCharges {

    /** The audit entry of a charge; its data holds the run and every holder, from which ledgers can be rebuilt. */
    public static final String TYPE = "privacy.charged";

    private static final Logger log = LoggerFactory.getLogger(BudgetCharges.class);

    /**
     * A computation to charge.
     *
     * @param computation the id of the computation that spends, e.g. a training run's
     * @param holders whose data it uses; a holder named twice is charged once
     */
    public record Charge(String workspace, String keyId, String computation, List<BudgetHolder> holders, GaussianRun run) {

        public Charge {
            holders = List.copyOf(new LinkedHashSet<>(holders));
        }
    }

    /** What one holder's budget was charged: ε before and after, at the budget's δ. */
    public record HolderCharge(BudgetHolder holder, Budget budget, double epsilonBefore, double epsilonAfter) {
    }

    /** A charge as applied: its id, the log index of its entry, and each holder's part. */
    public record Charged(String id, long logIndex, List<HolderCharge> holders) {
    }

    private final PrivacyBudgets budgets;
    private final BudgetRepository repository;
    private final AuditLog auditLog;
    private final AuditRepository entries;
    private final Dialect dialect;
    /** Holds PostgreSQL's row lock for the whole charge. */
    private final TransactionTemplate serialised;
    /** The row and the ledgers' writes, each committed on its own whatever the serialising transaction does. */
    private final TransactionTemplate separate;
    /**
     * One charge at a time in this process. Also what keeps a charge from waiting on the row lock while
     * holding a pooled connection that the charge ahead of it needs for its own writes.
     */
    private final ReentrantLock oneAtATime = new ReentrantLock(true);

    BudgetCharges(PrivacyBudgets budgets, BudgetRepository repository, AuditLog auditLog, AuditRepository entries,
                  PlatformTransactionManager transactions, Dialect dialect) {
        this.budgets = budgets;
        this.repository = repository;
        this.auditLog = auditLog;
        this.entries = entries;
        this.dialect = dialect;
        this.serialised = new TransactionTemplate(transactions);
        this.separate = new TransactionTemplate(transactions);
        this.separate.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    /**
     * Charges {@code charge} to every holder, or refuses it: a 409 {@code privacy_budget_exceeded} naming
     * the holder whose budget it would overspend, a 503 when the audit log cannot record it.
     */
    public Charged charge(Charge charge) {
        oneAtATime.lock();
        try {
            if (dialect == Dialect.POSTGRESQL) {
                return serialised.execute(status -> {
                    repository.lockCharges();
                    return chargeInTurn(charge);
                });
            }
            return chargeInTurn(charge);
        } finally {
            oneAtATime.unlock();
        }
    }

    private Charged chargeInTurn(Charge charge) {
        settleEarlierCharges();
        List<HolderCharge> planned = plan(charge);
        String id = Ids.newId("pch");
        ObjectNode data = entryData(id, charge, planned);
        Instant now = Instant.now();
        separate.executeWithoutResult(status -> repository.insertCharge(new BudgetRepository.ChargeRow(id, charge.workspace(),
                charge.computation(), JsonBodies.JSON.writeValueAsString(data), null), now));
        long index;
        try {
            index = auditLog.append(new AuditEvent(TYPE, id, now, charge.workspace(), charge.keyId(), MDC.get("trace_id"),
                    null, data, null)).join();
        } catch (CompletionException e) {
            log.warn("The audit log did not record privacy charge {} of {}; it is not charged", id, charge.computation(), e);
            try {
                separate.executeWithoutResult(status -> repository.deleteUnsettled(id));
            } catch (RuntimeException notDeleted) {
                log.warn("Privacy charge {} stays unsettled; the next charge finds it absent from the log and drops it", id, notDeleted);
            }
            throw PrivacyException.auditUnavailable();
        }
        apply(charge.workspace(), id, data, index);
        return new Charged(id, index, planned);
    }

    /**
     * Each holder's ε before and after the run, checked against its budget. The first holder it would
     * overspend is named in the refusal; the others are counted in its message.
     */
    private List<HolderCharge> plan(Charge charge) {
        RunRdp rdp = new RunRdp();
        List<HolderCharge> planned = new ArrayList<>();
        List<HolderCharge> over = new ArrayList<>();
        for (BudgetHolder holder : charge.holders()) {
            Budget budget = budgets.budget(charge.workspace(), holder);
            PrivacyLedger ledger = repository.spending(charge.workspace(), holder).ledger();
            double before = ledger.spent(budget.delta(), rdp).epsilon();
            double after = ledger.plus(charge.run()).spent(budget.delta(), rdp).epsilon();
            HolderCharge part = new HolderCharge(holder, budget, before, after);
            planned.add(part);
            if (!(after <= budget.epsilon())) {
                over.add(part);
            }
        }
        if (!over.isEmpty()) {
            HolderCharge first = over.getFirst();
            String others = over.size() == 1 ? "" : "; it would overspend " + (over.size() - 1) + " more: "
                    + String.join(", ", over.subList(1, over.size()).stream().map(p -> p.holder().toString()).toList());
            throw PrivacyException.conflict("privacy_budget_exceeded", first.holder().toString(), "Privacy budget exceeded: "
                    + charge.computation() + " would bring " + first.holder() + " to ε = " + first.epsilonAfter() + " at δ = "
                    + first.budget().delta() + ", over its budget of ε = " + first.budget().epsilon() + " (spent before: ε = "
                    + first.epsilonBefore() + ")" + others + ". Nothing was charged");
        }
        return planned;
    }

    /** Settles charges an earlier failure or stop left unsettled, by what the log holds. */
    private void settleEarlierCharges() {
        for (BudgetRepository.ChargeRow row : repository.unsettled()) {
            var logged = entries.findByEventId(row.id()).map(StoredEntry::index);
            if (logged.isPresent()) {
                log.info("Applying privacy charge {} of {}, recorded at log index {} but not applied before", row.id(),
                        row.computation(), logged.get());
                apply(row.workspace(), row.id(), JsonBodies.JSON.readTree(row.data()), logged.get());
            } else {
                log.info("Dropping privacy charge {} of {}: the audit log never recorded it", row.id(), row.computation());
                separate.executeWithoutResult(status -> repository.deleteUnsettled(row.id()));
            }
        }
    }

    /** Adds the entry's run to each of its holders' ledgers, once: only if this call settles the row. */
    private void apply(String workspace, String id, JsonNode data, long index) {
        GaussianRun run = runOf(data.path("run"));
        Instant now = Instant.now();
        separate.executeWithoutResult(status -> {
            if (!repository.settle(id, index)) {
                return;
            }
            for (JsonNode item : data.path("holders")) {
                BudgetHolder holder = new BudgetHolder(BudgetHolder.Kind.parse(item.path("kind").asString(), "kind"),
                        item.path("id").asString());
                BudgetRepository.Spending spending = repository.spending(workspace, holder);
                repository.putSpending(workspace, holder,
                        new BudgetRepository.Spending(spending.ledger().plus(run), spending.charges() + 1), now);
            }
        });
    }

    private static ObjectNode entryData(String id, Charge charge, List<HolderCharge> planned) {
        ObjectNode data = JsonBodies.JSON.createObjectNode();
        data.put("charge_id", id);
        data.put("computation", charge.computation());
        ObjectNode run = data.putObject("run");
        run.put("noise_multiplier", charge.run().noiseMultiplier());
        run.put("sample_rate", charge.run().sampleRate());
        run.put("steps", charge.run().steps());
        ArrayNode holders = data.putArray("holders");
        for (HolderCharge part : planned) {
            ObjectNode item = holders.addObject();
            item.put("kind", part.holder().kind().wire());
            item.put("id", part.holder().id());
            ObjectNode budget = item.putObject("budget");
            budget.put("epsilon", part.budget().epsilon());
            budget.put("delta", part.budget().delta());
            item.put("epsilon_before", part.epsilonBefore());
            item.put("epsilon_after", part.epsilonAfter());
        }
        return data;
    }

    private static GaussianRun runOf(JsonNode run) {
        return new GaussianRun(run.path("noise_multiplier").asDouble(), run.path("sample_rate").asDouble(),
                run.path("steps").asLong());
    }
}
