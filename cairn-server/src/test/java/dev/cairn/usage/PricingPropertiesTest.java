package dev.cairn.usage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import dev.cairn.support.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** cairn.pricing is checked when bound; whether each model routes is ModelRouterTest's. */
class PricingPropertiesTest {

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            cairn.pricing[0].input | 1 | cairn.pricing[0].model is required
            cairn.pricing[0].model | ' ' | cairn.pricing[0].model is required
            """)
    void badValuesAreRefusedNamingTheKeyAndTheReason(String key, String value, String message) {
        Settings.assertRefused("cairn", PricingProperties.class, Settings.of(key, value), message);
    }

    @Test
    void negativePricesAndModelsPricedTwiceAreRefused() {
        Settings.assertRefused("cairn", PricingProperties.class, Settings.of("cairn.pricing[0].model", "a/b",
                "cairn.pricing[0].input", "-0.5"), "cairn.pricing[0].input must be US dollars of 0 or more, not -0.5");
        Settings.assertRefused("cairn", PricingProperties.class, Settings.of("cairn.pricing[0].model", "a/b",
                "cairn.pricing[0].output", "-1"), "cairn.pricing[0].output must be US dollars of 0 or more, not -1.0");
        Settings.assertRefused("cairn", PricingProperties.class, Settings.of("cairn.pricing[0].model", "a/b",
                "cairn.pricing[1].model", "a/b"), "cairn.pricing[1].model 'a/b' is priced twice");
    }

    @Test
    void defaultsBind() {
        assertThat(Settings.bind("cairn", PricingProperties.class, Map.of()).pricing()).isEmpty();
        assertThat(Settings.bind("cairn", PricingProperties.class, Settings.of("cairn.pricing[0].model", "a/b",
                "cairn.pricing[0].input", "0.15", "cairn.pricing[0].output", "0.6")).pricing())
                .containsExactly(new PricingProperties.Price("a/b", 0.15, 0.6));
    }
}
