package dev.cairn.gateway;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import dev.cairn.access.AccessException;
import dev.cairn.access.Principal;
import dev.cairn.gateway.anthropic.AnthropicProvider;
import dev.cairn.gateway.echo.EchoProvider;
import dev.cairn.gateway.openai.OpenAiProvider;
import dev.cairn.platform.CairnProperties;
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

    public ModelRouter(CairnProperties properties) {
        Map<String, ProviderClient> built = new LinkedHashMap<>();
        built.put(EchoProvider.NAME, new EchoProvider());
        properties.providers().forEach((name, config) -> {
            if (EchoProvider.NAME.equals(name)) {
                throw new IllegalArgumentException("cairn.providers." + name + ": the name 'cairn' is reserved for built-in models");
            }
            if (name.contains("/")) {
                throw new IllegalArgumentException("cairn.providers." + name + ": provider names cannot contain '/'");
            }
            if (config.apiKey() != null && config.apiKey().contains("${")) {
                // Spring leaves a placeholder whose variable is unset as literal text; sending that
                // upstream would come back as a confusing 401.
                throw new IllegalArgumentException("cairn.providers." + name + ".api-key is '" + config.apiKey()
                        + "': the environment variable it names is not set");
            }
            built.put(name, create(name, config, properties.gateway()));
        });
        this.providers = built;
        this.aliases = properties.aliases();
        aliases.forEach((alias, target) -> {
            if (resolve(target) == null) {
                throw new IllegalArgumentException("cairn.aliases." + alias + " points at '" + target
                        + "', which is not '<provider>/<model>' with a configured provider");
            }
        });
    }

    private static ProviderClient create(String name, CairnProperties.Provider config, CairnProperties.Gateway gateway) {
        String type = config.type() == null ? "openai" : config.type().toLowerCase(Locale.ROOT);
        return switch (type) {
            case "openai" -> new OpenAiProvider(name, config);
            case "anthropic" -> new AnthropicProvider(name, config, gateway.anthropicDefaultMaxTokens());
            default -> throw new IllegalArgumentException("cairn.providers." + name + ".type: unknown type '" + config.type()
                    + "' (openai or anthropic)");
        };
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
