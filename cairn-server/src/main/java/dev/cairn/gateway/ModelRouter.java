package dev.cairn.gateway;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.cairn.access.AccessException;
import dev.cairn.access.Principal;
import dev.cairn.gateway.anthropic.AnthropicProvider;
import dev.cairn.gateway.echo.EchoProvider;
import dev.cairn.gateway.openai.OpenAiProvider;
import dev.cairn.platform.Settings;
import dev.cairn.usage.PricingProperties;
import tools.jackson.databind.JsonNode;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Turns model names into routes. {@code <provider>/<model>} always routes to that provider (the
 * model part may itself contain slashes, as in {@code openrouter/anthropic/claude-sonnet-4});
 * aliases map short names to such pairs. Providers are built once, from configuration.
 */
@Component
public class ModelRouter {

    private static final Logger log = LoggerFactory.getLogger(ModelRouter.class);

    private final Map<String, ProviderClient> providers;
    private final Map<String, String> aliases;

    /**
     * Builds every configured provider. {@link GatewayProperties} has checked each provider and alias
     * on its own; whether each priced model routes anywhere needs both it and the prices, so that
     * is checked here.
     */
    public ModelRouter(GatewayProperties properties, PricingProperties pricing) {
        Map<String, ProviderClient> built = new LinkedHashMap<>();
        built.put(EchoProvider.NAME, new EchoProvider());
        properties.providers().forEach((name, config) -> built.put(name, create(name, config, properties.gateway())));
        this.providers = built;
        this.aliases = properties.aliases();
        List<PricingProperties.Price> prices = pricing.pricing();
        for (int i = 0; i < prices.size(); i++) {
            String model = prices.get(i).model();
            if (resolve(model) == null) {
                throw Settings.invalid("cairn.pricing[" + i + "].model", "'" + model + "' is neither an alias, nor"
                        + " '<provider>/<model>' with a configured provider, nor a built-in cairn/ model");
            }
        }
    }

    private static ProviderClient create(String name, GatewayProperties.Provider config, GatewayProperties.Gateway gateway) {
        // GatewayProperties accepts only these two types; no type means openai.
        return "anthropic".equalsIgnoreCase(config.type())
                ? new AnthropicProvider(name, config, gateway.anthropicDefaultMaxTokens())
                : new OpenAiProvider(name, config);
    }

    /** Routes a model name for this caller, or throws 404 (unknown) or 403 (not allowed for the key). */
    public Route route(String model, Principal principal) {
        Route route = resolve(model);
        if (route == null) {
            throw GatewayException.unknownModel(model);
        }
        if (!principal.mayUse(model) && !principal.mayUse(route.qualifiedModel())) {
            throw AccessException.modelNotAllowed(model);
        }
        return route;
    }

    /**
     * OpenRouter-style upstreams take a {@code models} list of fallbacks they may switch to. A key
     * with an allow-list must be allowed every one of them, or the list would be a way around it.
     */
    public void checkFallbacks(JsonNode fallbacks, Route route, Principal principal) {
        if (fallbacks == null || !fallbacks.isArray() || principal.allowedModels().isEmpty()) {
            return;
        }
        for (JsonNode fallback : fallbacks.values()) {
            String model = route.provider().name() + "/" + fallback.asString("");
            if (!principal.mayUse(model)) {
                throw AccessException.modelNotAllowed(model);
            }
        }
    }

    /** The route for a name, or null when no alias or configured provider matches. */
    public Route resolve(String model) {
        String target = aliases.getOrDefault(model, model);
        int slash = target.indexOf('/');
        if (slash <= 0 || slash == target.length() - 1) {
            return null;
        }
        ProviderClient provider = providers.get(target.substring(0, slash));
        if (provider == null) {
            return null;
        }
        String upstreamModel = target.substring(slash + 1);
        if (provider instanceof EchoProvider && !EchoProvider.MODEL.equals(upstreamModel)) {
            return null;
        }
        return new Route(model, provider, upstreamModel);
    }

    public Collection<ProviderClient> providers() {
        return providers.values();
    }

    public Map<String, String> aliases() {
        return aliases;
    }

    @PreDestroy
    void close() {
        for (ProviderClient provider : providers.values()) {
            if (provider instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    // Keep closing the others: one failing pool must not leak the rest.
                    log.warn("Closing provider {} failed", provider.name(), e);
                }
            }
        }
    }
}
