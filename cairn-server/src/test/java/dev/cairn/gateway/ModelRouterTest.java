package dev.cairn.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.cairn.access.Principal;
import dev.cairn.access.Role;
import dev.cairn.platform.CairnProperties;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/** Provider configuration is checked at start, so a running Cairn never fails on it per request. */
class ModelRouterTest {

    private static CairnProperties properties(Map<String, CairnProperties.Provider> providers, Map<String, String> aliases) {
        return new CairnProperties(8080, Path.of("data"), new CairnProperties.Db(null, null, null, 4, "FULL"),
                new CairnProperties.Gateway(DataSize.ofMegabytes(4), 4096), providers, aliases, List.of(), null,
                new CairnProperties.Logging(false), new CairnProperties.Metrics(false), null, null, null, null, null, null);
    }

    private static CairnProperties.Provider openai(String baseUrl, String apiKey) {
        return new CairnProperties.Provider("openai", baseUrl, apiKey, Duration.ofSeconds(1), Duration.ofSeconds(1), List.of(), Map.of());
    }

    @Test
    void unsetEnvironmentVariableInAnApiKeyStopsTheStart() {
        assertThatThrownBy(() -> new ModelRouter(properties(Map.of("openrouter",
                openai("https://openrouter.ai/api/v1", "${OPENROUTER_API_KEY}")), Map.of())))
                .hasMessageContaining("cairn.providers.openrouter.api-key").hasMessageContaining("not set");
    }

    @Test
    void badBaseUrlsUnknownTypesAndDanglingAliasesStopTheStart() {
        assertThatThrownBy(() -> new ModelRouter(properties(Map.of("p", openai("not a url", null)), Map.of())))
                .hasMessageContaining("cairn.providers.p.base-url");
        assertThatThrownBy(() -> new ModelRouter(properties(Map.of("p", new CairnProperties.Provider("grpc",
                "http://127.0.0.1:1", null, Duration.ofSeconds(1), Duration.ofSeconds(1), List.of(), Map.of())), Map.of())))
                .hasMessageContaining("unknown type");
        assertThatThrownBy(() -> new ModelRouter(properties(Map.of(), Map.of("fast", "nowhere/model"))))
                .hasMessageContaining("cairn.aliases.fast");
    }

    @Test
    void routesProviderModelsWithSlashesAndAliases() {
        ModelRouter router = new ModelRouter(properties(Map.of("or", openai("http://127.0.0.1:1/v1", "k")),
                Map.of("sonnet", "or/anthropic/claude-sonnet-4")));
        Principal anyone = new Principal("key_x", "ws", Role.USER, List.of());
        assertThat(router.route("or/anthropic/claude-sonnet-4", anyone).upstreamModel()).isEqualTo("anthropic/claude-sonnet-4");
        assertThat(router.route("sonnet", anyone).qualifiedModel()).isEqualTo("or/anthropic/claude-sonnet-4");
        assertThat(router.resolve("or/")).isNull();
        assertThat(router.resolve("cairn/echo")).isNotNull();
        router.close();
    }
}
