package dev.cairn.gateway;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.cairn.gateway.echo.EchoProvider;
import dev.cairn.platform.Settings;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The upstreams the gateway routes to ({@code cairn.providers}), the short names that route to
 * them ({@code cairn.aliases}) and the gateway's own settings ({@code cairn.gateway}, apart from
 * {@code max-body-size}, which every route shares). Bound at {@code cairn}, it reads only these keys.
 */
@ConfigurationProperties("cairn")
public record GatewayProperties(@DefaultValue Gateway gateway,
                                Map<String, Provider> providers,
                                Map<String, String> aliases) {

    public GatewayProperties {
        providers = providers == null ? Map.of() : Map.copyOf(providers);
        aliases = aliases == null ? Map.of() : Map.copyOf(aliases);
        Settings.atLeast("cairn.gateway.anthropic-default-max-tokens", gateway.anthropicDefaultMaxTokens(), 1);
        Settings.positive("cairn.gateway.client-write-timeout", gateway.clientWriteTimeout());
        providers.forEach(GatewayProperties::check);
        for (Map.Entry<String, String> alias : aliases.entrySet()) {
            if (!routable(alias.getValue(), providers)) {
                throw Settings.invalid("cairn.aliases." + alias.getKey(), "points at '" + alias.getValue()
                        + "', which is not '<provider>/<model>' with a configured provider");
            }
        }
    }

    /**
     * The gateway's own limits ({@code cairn.gateway}). {@code clientWriteTimeout}: how long a write
     * to a client may wait for it to take what was sent, and a read for it to send more; a stream
     * whose client stops reading ends then, and gives its thread, memory and key's slot back.
     */
    public record Gateway(@DefaultValue("4096") int anthropicDefaultMaxTokens,
                          @DefaultValue("30s") Duration clientWriteTimeout) {
    }

    /**
     * One upstream. {@code type} is {@code openai} (any OpenAI-compatible base URL) or
     * {@code anthropic} (the Messages API); models listed here are advertised in /v1/models, but any
     * {@code <provider>/<model>} name routes to this provider. {@code api} is the API an
     * {@code openai} provider is called through: {@code chat} (chat completions) or
     * {@code responses} (the Responses API, the request and answer translated).
     */
    public record Provider(String type,
                           String baseUrl,
                           String apiKey,
                           @DefaultValue("5s") Duration connectTimeout,
                           @DefaultValue("300s") Duration readTimeout,
                           List<String> models,
                           Map<String, String> headers,
                           @DefaultValue("chat") String api) {
        public Provider {
            models = models == null ? List.of() : List.copyOf(models);
            headers = headers == null ? Map.of() : Map.copyOf(headers);
            api = api == null ? "chat" : api.toLowerCase(Locale.ROOT);
        }

        /** Whether the provider is called through the Responses API. */
        public boolean responsesApi() {
            return "responses".equals(api);
        }
    }

    private static void check(String name, Provider provider) {
        String key = "cairn.providers." + name;
        if (EchoProvider.NAME.equals(name)) {
            throw Settings.invalid(key, "is not allowed: the name 'cairn' is reserved for built-in models");
        }
        if (name.contains("/")) {
            throw Settings.invalid(key, "is not allowed: provider names cannot contain '/'");
        }
        String type = provider.type() == null ? "openai" : provider.type().toLowerCase(Locale.ROOT);
        if (!type.equals("openai") && !type.equals("anthropic")) {
            throw Settings.invalid(key + ".type", "must be openai or anthropic, not '" + provider.type() + "'");
        }
        checkBaseUrl(key + ".base-url", provider.baseUrl());
        if (provider.apiKey() != null && provider.apiKey().contains("${")) {
            // Spring leaves a placeholder whose variable is unset as literal text; sending that
            // upstream would come back as a confusing 401.
            throw Settings.invalid(key + ".api-key", "is '" + provider.apiKey() + "': the environment variable it names is not set");
        }
        if (!provider.api().equals("chat") && !provider.api().equals("responses")) {
            throw Settings.invalid(key + ".api", "must be chat or responses, not '" + provider.api() + "'");
        }
        if (provider.responsesApi() && !type.equals("openai")) {
            throw Settings.invalid(key + ".api", "is responses, which only an openai provider speaks");
        }
        Settings.positive(key + ".connect-timeout", provider.connectTimeout());
        Settings.positive(key + ".read-timeout", provider.readTimeout());
    }

    private static void checkBaseUrl(String key, String url) {
        if (url == null || url.isBlank()) {
            throw Settings.invalid(key, "is required");
        }
        try {
            URI uri = URI.create(url);
            if (uri.getHost() != null && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                return;
            }
        } catch (IllegalArgumentException e) {
            // Reported below, as any other URL that is not http(s).
        }
        throw Settings.invalid(key, "'" + url + "' is not a valid http(s) URL");
    }

    /** Whether a target names a configured provider and a model, or the built-in echo model (see {@link ModelRouter#resolve}). */
    private static boolean routable(String target, Map<String, Provider> providers) {
        int slash = target.indexOf('/');
        if (slash <= 0 || slash == target.length() - 1) {
            return false;
        }
        String provider = target.substring(0, slash);
        if (EchoProvider.NAME.equals(provider)) {
            return EchoProvider.MODEL.equals(target.substring(slash + 1));
        }
        return providers.containsKey(provider);
    }
}
