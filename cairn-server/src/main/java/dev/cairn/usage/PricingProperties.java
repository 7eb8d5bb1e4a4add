package dev.cairn.usage;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.cairn.platform.Settings;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * What models cost ({@code cairn.pricing}). Whether each priced model routes anywhere is checked by
 * the gateway, which knows the providers and aliases.
 */
@ConfigurationProperties("cairn")
public record PricingProperties(List<Price> pricing) {

    public PricingProperties {
        pricing = pricing == null ? List.of() : List.copyOf(pricing);
        Set<String> models = new HashSet<>();
        for (int i = 0; i < pricing.size(); i++) {
            Price price = pricing.get(i);
            String key = "cairn.pricing[" + i + "]";
            if (price.model() == null || price.model().isBlank()) {
                throw Settings.invalid(key + ".model", "is required: every entry needs a model");
            }
            if (!models.add(price.model())) {
                throw Settings.invalid(key + ".model", "'" + price.model() + "' is priced twice");
            }
            if (!(price.input() >= 0)) {
                throw Settings.invalid(key + ".input", "must be US dollars of 0 or more, not " + price.input());
            }
            if (!(price.output() >= 0)) {
                throw Settings.invalid(key + ".output", "must be US dollars of 0 or more, not " + price.output());
            }
        }
    }

    /**
     * US dollars per million tokens for one model: the name a client sends (an alias) or the
     * {@code <provider>/<model>} it routes to. A list, not a map, because YAML map keys lose their
     * slashes in Spring's binding.
     */
    public record Price(String model, double input, double output) {
    }
}
