package dev.cairn.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import dev.cairn.access.Principal;
import dev.cairn.access.Role;
import dev.cairn.support.Settings;
import dev.cairn.usage.PricingProperties;
import org.junit.jupiter.api.Test;

/** Routing from configuration, and prices checked against it at start, so a running Cairn never fails on them per request. */
class ModelRouterTest {

    private static final GatewayProperties GATEWAY = Settings.bind("cairn", GatewayProperties.class, Settings.of(
            "cairn.providers.or.base-url", "http://127.0.0.1:1/v1", "cairn.providers.or.api-key", "k",
            "cairn.aliases.sonnet", "or/anthropic/claude-sonnet-4"));

    @Test
    void routesProviderModelsWithSlashesAndAliases() {
        ModelRouter router = new ModelRouter(GATEWAY);
        assertThat(router.resolve("or/anthropic/claude-sonnet-4").upstreamModel()).isEqualTo("anthropic/claude-sonnet-4");
        assertThat(router.resolve("sonnet").qualifiedModel()).isEqualTo("or/anthropic/claude-sonnet-4");
        assertThat(router.resolve("or/")).isNull();
        assertThat(router.resolve("cairn/echo")).isNotNull();
        router.close();
    }

    @Test
    void providerTypesBuildTheirClients() {
        GatewayProperties both = Settings.bind("cairn", GatewayProperties.class, Settings.of(
                "cairn.providers.a.base-url", "http://127.0.0.1:1/v1", "cairn.providers.b.type", "anthropic",
                "cairn.providers.b.base-url", "http://127.0.0.1:1/v1"));
        ModelRouter router = new ModelRouter(both);
        assertThat(router.providers()).extracting(p -> p.getClass().getSimpleName())
                .containsExactlyInAnyOrder("EchoProvider", "OpenAiProvider", "AnthropicProvider");
        router.close();
    }
}
