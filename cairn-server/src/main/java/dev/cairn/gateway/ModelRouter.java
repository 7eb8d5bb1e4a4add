package dev.cairn.gateway;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.cairn.gateway.anthropic.AnthropicProvider;
import dev.cairn.gateway.echo.EchoProvider;
import dev.cairn.gateway.openai.OpenAiProvider;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The configured providers, and the names that route to one of them directly:
 * {@code <provider>/<model>} always routes to that provider (the model part may itself contain
 * slashes, as in {@code openrouter/anthropic/claude-sonnet-4}); aliases map short names to such
 * pairs. Providers are built once, from configuration. Model groups, which route over several of
 * these, are {@link dev.cairn.gateway.routing.Routing}'s.
 */
@Component
public class ModelRouter {

    private static final Logger log = LoggerFactory.getLogger(ModelRouter.class);

    private final Map<String, ProviderClient> providers;
    private final Map<String, String> aliases;

    private final GatewayProperties properties;
    /** Copies of providers with a deployment's own connect timeout, by provider and timeout. */
    private final Map<String, ProviderClient> variants = new ConcurrentHashMap<>();

    /** Builds every configured provider; {@link GatewayProperties} has checked each provider and alias. */
    public ModelRouter(GatewayProperties properties) {
        Map<String, ProviderClient> built = new LinkedHashMap<>();
        built.put(EchoProvider.NAME, new EchoProvider());
        properties.providers().forEach((name, config) -> built.put(name, create(name, config, properties.gateway())));
        this.providers = built;
        this.aliases = properties.aliases();
        this.properties = properties;
    }

    private static ProviderClient create(String name, GatewayProperties.Provider config, GatewayProperties.Gateway gateway) {
        // GatewayProperties accepts only these two types; no type means openai.
        return "anthropic".equalsIgnoreCase(config.type())
                ? new AnthropicProvider(name, config, gateway.anthropicDefaultMaxTokens())
                : new OpenAiProvider(name, config);
    }

    /**
     * The provider as a deployment with its own connect timeout uses it: a copy with that timeout
     * and its own connection pool, made once per provider and timeout. The built-in echo has no
     * connections to time.
     */
    public ProviderClient withConnectTimeout(String provider, Duration connectTimeout) {
        GatewayProperties.Provider config = properties.providers().get(provider);
        if (config == null || config.connectTimeout().equals(connectTimeout)) {
            return providers.get(provider);
        }
        return variants.computeIfAbsent(provider + "@" + connectTimeout, key -> create(provider,
                new GatewayProperties.Provider(config.type(), config.baseUrl(), config.apiKey(), connectTimeout,
                        config.readTimeout(), config.models(), config.headers(), config.api()), properties.gateway()));
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
    public void close() {
        List<ProviderClient> all = new java.util.ArrayList<>(providers.values());
        all.addAll(variants.values());
        for (ProviderClient provider : all) {
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
