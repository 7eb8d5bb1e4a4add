package dev.cairn.usage;

import java.util.HashMap;
import java.util.Map;

import org.springframework.stereotype.Component;

/**
 * Prices from {@code cairn.pricing}, in US dollars per million tokens, looked up by the model name
 * the client sent and then by its {@code <provider>/<model>} form. Unpriced models cost zero.
 */
@Component
public class PriceTable {

    private final Map<String, PricingProperties.Price> prices;

    public PriceTable(PricingProperties pricing) {
        Map<String, PricingProperties.Price> byModel = new HashMap<>();
        for (PricingProperties.Price price : pricing.pricing()) {
            byModel.put(price.model(), price);
        }
        this.prices = Map.copyOf(byModel);
    }

    /**
     * Cost in nano-dollars: dollars per million tokens times tokens is exactly that times 1000. The
     * deployment that answered ({@code <provider>/<model>}) is priced first, since a model group's
     * deployments may cost differently; else the name the client sent (a group or an alias).
     */
    public long costNanoUsd(String deployment, String requestedModel, long promptTokens, long completionTokens) {
        PricingProperties.Price price = prices.get(deployment);
        if (price == null && requestedModel != null) {
            price = prices.get(requestedModel);
        }
        if (price == null) {
            return 0;
        }
        return Math.round(price.input() * 1000 * promptTokens + price.output() * 1000 * completionTokens);
    }
}
