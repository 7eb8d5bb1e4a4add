package dev.cairn.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import dev.cairn.support.Settings;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/** {@code cairn.privacy}: its defaults, and the values and keys the start refuses, each named. */
class PrivacyBudgetSettingsTest {

    @Test
    void theDefaultsAreEpsilonTenAtDeltaOneInAHundredThousandAndTrainingWithoutPrivacyIsAllowed() {
        PrivacyProperties properties = Settings.bind("cairn.privacy", PrivacyProperties.class, Map.of());
        assertThat(properties.budgets().of(BudgetHolder.Kind.DATASET)).isEqualTo(new Budget(10, 1e-5));
        assertThat(properties.budgets().of(BudgetHolder.Kind.ANNOTATOR)).isEqualTo(new Budget(10, 1e-5));
        assertThat(properties.requirePrivateTraining()).isFalse();
        PrivacyProperties set = Settings.bind("cairn.privacy", PrivacyProperties.class, Settings.of(
                "cairn.privacy.budgets.annotator.epsilon", "2", "cairn.privacy.require-private-training", "true"));
        assertThat(set.budgets().of(BudgetHolder.Kind.ANNOTATOR)).isEqualTo(new Budget(2, 1e-5));
        assertThat(set.requirePrivateTraining()).isTrue();
    }

    @Test
    void aBadBudgetStopsTheStartNamingItsKey() {
        Settings.assertRefused("cairn.privacy", PrivacyProperties.class,
                Settings.of("cairn.privacy.budgets.dataset.epsilon", "-1"), "cairn.privacy.budgets.dataset.epsilon");
        Settings.assertRefused("cairn.privacy", PrivacyProperties.class,
                Settings.of("cairn.privacy.budgets.annotator.epsilon", "NaN"), "cairn.privacy.budgets.annotator.epsilon");
        Settings.assertRefused("cairn.privacy", PrivacyProperties.class,
                Settings.of("cairn.privacy.budgets.annotator.delta", "1"), "cairn.privacy.budgets.annotator.delta");
        Settings.assertRefused("cairn.privacy", PrivacyProperties.class,
                Settings.of("cairn.privacy.budgets.dataset.delta", "0"), "cairn.privacy.budgets.dataset.delta");
    }

    @Test
    void anUnknownKeyStopsTheStart() {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("test",
                Map.of("cairn.privacy.budgets.datset.epsilon", "5")));
        assertThatThrownBy(() -> new PrivacyBudgets(Settings.bind("cairn.privacy", PrivacyProperties.class, Map.of()),
                null, environment)).hasMessageContaining("cairn.privacy.budgets.datset.epsilon");
    }
}
