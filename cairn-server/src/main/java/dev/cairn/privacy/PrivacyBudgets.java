package dev.cairn.privacy;

import java.time.Instant;
import java.util.List;

import dev.cairn.platform.Settings;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The budgets in force (one set through the admin API, else the configured default of the holder's
 * kind) and what each holder has spent of its own: its ledger's composed ε at its budget's δ.
 * Stored budgets are read on each use, so every process sees an admin's change at once.
 */
@Component
public class PrivacyBudgets {

    /**
     * A holder's account.
     *
     * @param set whether the budget was set through the admin API rather than configured
     * @param spent the ε its ledger has composed to, at the budget's δ
     */
    public record Status(BudgetHolder holder, Budget budget, boolean set, double spent, long charges) {

        /** ε still to spend; 0 once spent, also when a budget was lowered below what was spent. */
        public double left() {
            return Math.max(0, budget.epsilon() - spent);
        }
    }

    private final PrivacyProperties properties;
    private final BudgetRepository repository;

    PrivacyBudgets(PrivacyProperties properties, BudgetRepository repository, Environment environment) {
        Settings.rejectUnknown(environment, "cairn.privacy", Bindable.of(PrivacyProperties.class));
        this.properties = properties;
        this.repository = repository;
    }

    /** Whether a training run without differential privacy is refused ({@code cairn.privacy.require-private-training}). */
    public boolean requirePrivateTraining() {
        return properties.requirePrivateTraining();
    }

    Budget budget(String workspace, BudgetHolder holder) {
        return repository.override(workspace, holder).orElseGet(() -> properties.budgets().of(holder.kind()));
    }

    Status status(String workspace, BudgetHolder holder, RunRdp rdp) {
        var override = repository.override(workspace, holder);
        Budget budget = override.orElseGet(() -> properties.budgets().of(holder.kind()));
        BudgetRepository.Spending spending = repository.spending(workspace, holder);
        return new Status(holder, budget, override.isPresent(), spending.ledger().spent(budget.delta(), rdp).epsilon(),
                spending.charges());
    }

    /** The accounts of the workspace's holders that were charged or given a budget, in the order of their ids. */
    List<Status> list(String workspace, BudgetHolder.Kind kind, String afterId, int limit) {
        RunRdp rdp = new RunRdp();
        return repository.holders(workspace, kind, afterId, limit).stream().map(h -> status(workspace, h, rdp)).toList();
    }

    void set(String workspace, BudgetHolder holder, Budget budget, String actorKeyId) {
        repository.putOverride(workspace, holder, budget, actorKeyId, Instant.now());
    }

    /** Removes the budget set for a holder, so the configured default applies again; false when none was set. */
    boolean unset(String workspace, BudgetHolder holder) {
        return repository.deleteOverride(workspace, holder);
    }
}
