package dev.cairn.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.cairn.access.ApiKey;
import dev.cairn.access.ApiKeyRepository;
import dev.cairn.access.Principal;
import dev.cairn.access.Role;
import dev.cairn.limits.LimitRules.Rule;
import dev.cairn.limits.LimitRules.Rules;
import dev.cairn.platform.Settings;
import dev.cairn.support.TestDatabases;
import dev.cairn.support.TestDatabases.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.env.MockEnvironment;

/** cairn.limits as bound by Spring: layering of defaults, workspaces and keys, and what stops the start. */
class LimitRulesTest {

    @TempDir
    Path dir;

    private static LimitsProperties bind(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings)).bindOrCreate("cairn.limits", LimitsProperties.class);
    }

    private static Map<String, String> settings(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }

    private static Principal principal(String keyId, String workspace) {
        return new Principal(keyId, workspace, Role.USER, List.of());
    }

    @Test
    void nothingConfiguredMeansNoLimitsAtAll() {
        LimitRules rules = new LimitRules(bind(Map.of()), null);
        assertThat(rules.enabled()).isFalse();
        assertThat(rules.of(principal("key_a", "ws"))).isEqualTo(Rules.NONE);
        LimitRules zeros = new LimitRules(bind(settings("cairn.limits.defaults.key.requests-per-minute", "0")), null);
        assertThat(zeros.enabled()).as("0 is no limit").isFalse();
    }

    @Test
    void workspacesOverrideDefaultsAndKeysOverrideTheirWorkspaceFieldByField() {
        try (TestDatabase db = TestDatabases.sqlite(dir)) {
            ApiKeyRepository keys = new ApiKeyRepository(JdbcClient.create(db.source()));
            keys.insert(new ApiKey("key_batch", "hash-batch", "ck_b", "team_a", "nightly-batch", Role.USER, List.of(),
                    Instant.now(), null, null));
            keys.insert(new ApiKey("key_both", "hash-both", "ck_c", "team_a", "nightly-batch", Role.USER, List.of(),
                    Instant.now(), null, null));
            LimitRules rules = new LimitRules(bind(settings(
                    "cairn.limits.defaults.key.requests-per-minute", "600",
                    "cairn.limits.defaults.key.tokens-per-minute", "100000",
                    "cairn.limits.defaults.workspace.daily-budget-usd", "50",
                    "cairn.limits.defaults.user.requests-per-minute", "30",
                    "cairn.limits.defaults.ip.requests-per-day", "5000",
                    "cairn.limits.workspaces.team_a.key.requests-per-minute", "100",
                    "cairn.limits.workspaces.team_a.workspace.monthly-budget-usd", "1000.5",
                    "cairn.limits.workspaces.team_a.user.requests-per-minute", "0",
                    "cairn.limits.keys[0].name", "nightly-batch",
                    "cairn.limits.keys[0].tokens-per-minute", "1000000",
                    "cairn.limits.keys[0].requests-per-minute", "0",
                    "cairn.limits.keys[1].id", "key_both",
                    "cairn.limits.keys[1].requests-per-day", "7",
                    "cairn.limits.keys[1].tokens-per-minute", "5")), keys);

            Rules other = rules.of(principal("key_x", "elsewhere"));
            assertThat(other.key()).isEqualTo(new Rule(600, 100_000, 0, 0, 0, 0));
            assertThat(other.workspace()).isEqualTo(new Rule(0, 0, 0, 0, 50_000_000_000L, 0));
            assertThat(other.user()).isEqualTo(new Rule(30, 0, 0, 0, 0, 0));
            assertThat(other.ip()).isEqualTo(new Rule(0, 0, 5000, 0, 0, 0));

            Rules teamA = rules.of(principal("key_plain", "team_a"));
            assertThat(teamA.key()).as("workspace names keep their underscore").isEqualTo(new Rule(100, 100_000, 0, 0, 0, 0));
            assertThat(teamA.workspace()).isEqualTo(new Rule(0, 0, 0, 0, 50_000_000_000L, 1_000_500_000_000L));
            assertThat(teamA.user()).as("0 lifts the default").isEqualTo(Rule.NONE);

            assertThat(rules.of(principal("key_batch", "team_a")).key()).as("by name")
                    .isEqualTo(new Rule(0, 1_000_000, 0, 0, 0, 0));
            assertThat(rules.of(principal("key_both", "team_a")).key()).as("by name, then by id")
                    .isEqualTo(new Rule(0, 5, 7, 0, 0, 0));
        }
    }

    @Test
    void everyKeyHasBoundsOnOneRequestByDefaultLayeredLikeItsOtherLimits() {
        LimitRules none = new LimitRules(bind(Map.of()), null);
        assertThat(none.bounds(principal("key_a", "ws"))).isEqualTo(new LimitRules.Bounds(
                LimitRules.DEFAULT_MAX_CONCURRENT_REQUESTS, LimitRules.DEFAULT_MAX_OUTPUT_TOKENS));
        assertThat(none.enabled()).as("bounds are not rate limits: the limiter still has nothing to do").isFalse();
        assertThat(none.defaultAnswerTokens()).isEqualTo(4096);

        LimitRules rules = new LimitRules(bind(settings(
                "cairn.limits.defaults.key.max-concurrent-requests", "8",
                "cairn.limits.workspaces.acme.key.max-output-tokens", "1000",
                "cairn.limits.keys[0].id", "key_big", "cairn.limits.keys[0].max-output-tokens", "0",
                "cairn.limits.keys[0].max-concurrent-requests", "2",
                "cairn.limits.default-answer-tokens", "512")), null);
        assertThat(rules.bounds(principal("key_a", "ws"))).isEqualTo(new LimitRules.Bounds(8, LimitRules.DEFAULT_MAX_OUTPUT_TOKENS));
        assertThat(rules.bounds(principal("key_b", "acme"))).isEqualTo(new LimitRules.Bounds(8, 1000));
        assertThat(rules.bounds(principal("key_big", "acme"))).as("0 lifts the bound").isEqualTo(new LimitRules.Bounds(2, 0));
        assertThat(rules.defaultAnswerTokens()).isEqualTo(512);
    }

    @Test
    void boundsOnOneRequestBelongToKeysOnly() {
        assertThatThrownBy(() -> new LimitRules(bind(settings("cairn.limits.defaults.workspace.max-concurrent-requests", "5")), null))
                .hasMessageContaining("cairn.limits.defaults.workspace: max-concurrent-requests and max-output-tokens apply to keys only");
        assertThatThrownBy(() -> new LimitRules(bind(settings("cairn.limits.workspaces.acme.ip.max-output-tokens", "5")), null))
                .hasMessageContaining("cairn.limits.workspaces.acme.ip: max-concurrent-requests");
        assertThatThrownBy(() -> new LimitRules(bind(settings("cairn.limits.defaults.key.max-output-tokens", "-1")), null))
                .hasMessageContaining("cairn.limits.defaults.key.max-output-tokens must be a count of at least 1");
        assertThatThrownBy(() -> bind(settings("cairn.limits.default-answer-tokens", "0")))
                .hasStackTraceContaining("cairn.limits.default-answer-tokens");
    }

    @Test
    void badValuesStopTheStartNamingTheSetting() {
        assertThatThrownBy(() -> new LimitRules(bind(settings("cairn.limits.defaults.key.requests-per-minute", "-1")), null))
                .hasMessageContaining("cairn.limits.defaults.key.requests-per-minute must be a count of at least 1");
        assertThatThrownBy(() -> new LimitRules(bind(settings("cairn.limits.workspaces.acme.user.daily-budget-usd", "5")), null))
                .hasMessageContaining("cairn.limits.workspaces.acme.user: budgets apply to keys and workspaces only");
        assertThatThrownBy(() -> new LimitRules(bind(settings("cairn.limits.defaults.workspace.monthly-budget-usd", "-0.01")), null))
                .hasMessageContaining("cairn.limits.defaults.workspace.monthly-budget-usd must be US dollars above 0");
        assertThatThrownBy(() -> new LimitRules(bind(settings("cairn.limits.keys[0].requests-per-minute", "5")), null))
                .hasMessageContaining("cairn.limits.keys[0] must name its key by either id or name");
        assertThatThrownBy(() -> new LimitRules(bind(settings(
                "cairn.limits.keys[0].id", "key_a", "cairn.limits.keys[0].name", "a")), null))
                .hasMessageContaining("either id or name");
        assertThatThrownBy(() -> new LimitRules(bind(settings(
                "cairn.limits.keys[0].id", "key_a", "cairn.limits.keys[0].requests-per-minute", "5",
                "cairn.limits.keys[1].id", "key_a", "cairn.limits.keys[1].requests-per-day", "5")), null))
                .hasMessageContaining("cairn.limits.keys[1]: key id 'key_a' is listed twice");
        assertThatThrownBy(() -> new ClientAddress(List.of("10.0.0.0/33")))
                .hasMessageContaining("cairn.limits.trusted-proxies[0]: '10.0.0.0/33' has a prefix length outside 0–32");
        assertThatThrownBy(() -> new ClientAddress(List.of("proxy.internal")))
                .hasMessageContaining("is not an IP address or CIDR range");
    }

    @Test
    void unknownSettingsStopTheStartInsteadOfLimitingNothing() {
        MockEnvironment typo = new MockEnvironment()
                .withProperty("cairn.limits.defaults.key.request-per-minute", "60")
                .withProperty("cairn.limits.defaults.key.tokens-per-minute", "1000");
        assertThatThrownBy(() -> Settings.rejectUnknown(typo, "cairn.limits", Bindable.of(LimitsProperties.class)))
                .hasMessageContaining("Unknown settings under cairn.limits: [cairn.limits.defaults.key.request-per-minute]");
        MockEnvironment fine = new MockEnvironment()
                .withProperty("cairn.limits.defaults.key.requests-per-minute", "60")
                .withProperty("cairn.limits.workspaces.acme.user.tokens-per-day", "1000")
                .withProperty("cairn.limits.keys[0].name", "ci")
                .withProperty("cairn.limits.keys[0].daily-budget-usd", "2.5")
                .withProperty("cairn.limits.on-redis-failure", "fail-closed")
                .withProperty("cairn.limits.trusted-proxies[0]", "10.0.0.0/8");
        Settings.rejectUnknown(fine, "cairn.limits", Bindable.of(LimitsProperties.class));
    }
}
