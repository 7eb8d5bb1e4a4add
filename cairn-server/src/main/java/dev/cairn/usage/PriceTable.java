package dev.cairn.usage;

import java.util.HashMap;
import java.util.Map;

import dev.cairn.platform.CairnProperties;
import org.springframework.stereotype.Component;

/**
 * Prices from {@code cairn.pricing}, in US dollars per million tokens, looked up by the model name
 * the client sent and then by its {@code <provider>/<model>} form. Unpriced models cost zero.
 */
@Component
public class PriceTable {

    private final Map<String, CairnProperties.Price> prices;

    public PriceTable(CairnProperties properties) {
        Map<String, CairnProperties.Price> byModel = new HashMap<>();
        for (CairnProperties.Price price : properties.pricing()) {
            if (price.model() == null || price.model().isBlank()) {
                throw new IllegalArgumentException("cairn.pricing: every entry needs a model");
            }
            if (byModel.put(price.model(), price) != null) {
                throw new IllegalArgumentException("cairn.pricing: '" + price.model() + "' is priced twice");
            }
        }
        this.prices = Map.copyOf(byModel);
    }

    /** Cost in nano-dollars: dollars per million tokens times tokens is exactly that times 1000. */
    public long costNanoUsd(String requestedModel, String qualifiedModel, long promptTokens, long completionTokens) {
        CairnProperties.Price price = prices.get(requestedModel);
        if (price == null && qualifiedModel != null) {
            price = prices.get(qualifiedModel);
        }
        if (price == null) {
            return 0;
        }
        return Math.round(price.input() * 1000 * promptTokens + price.output() * 1000 * completionTokens);
    }
}
