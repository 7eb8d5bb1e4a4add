package dev.cairn.privacy;

import dev.cairn.platform.Settings;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Privacy ({@code cairn.privacy}): the (ε, δ) budget every dataset version and every annotator has
 * unless the admin API sets another, and whether training without differential privacy is refused.
 */
@ConfigurationProperties("cairn.privacy")
public record PrivacyProperties(@DefaultValue Budgets budgets, @DefaultValue("false") boolean requirePrivateTraining) {

    /** The default budget of each kind of holder. */
    public record Budgets(@DefaultValue Limit dataset, @DefaultValue Limit annotator) {

        public Budgets {
            check("cairn.privacy.budgets.dataset", dataset);
            check("cairn.privacy.budgets.annotator", annotator);
        }

        Budget of(BudgetHolder.Kind kind) {
            Limit limit = kind == BudgetHolder.Kind.DATASET ? dataset : annotator;
            return new Budget(limit.epsilon(), limit.delta());
        }

        private static void check(String key, Limit limit) {
            if (!(limit.epsilon() >= 0) || Double.isInfinite(limit.epsilon())) {
                throw Settings.invalid(key + ".epsilon", "must be a finite number from 0, not " + limit.epsilon());
            }
            if (!(limit.delta() > 0 && limit.delta() < 1)) {
                throw Settings.invalid(key + ".delta", "must be above 0 and below 1, not " + limit.delta());
            }
        }
    }

    /**
     * One kind's default. ε 10 at δ 1e-5: δ well under one over the number of preferences a dataset
     * holds (the rule that keeps δ from covering a leak of one whole record), ε enough for one run at
     * the common target of 8 and small runs beside it, not for two such runs; docs/privacy.md says more.
     */
    public record Limit(@DefaultValue("10") double epsilon, @DefaultValue("1e-5") double delta) {
    }
}
