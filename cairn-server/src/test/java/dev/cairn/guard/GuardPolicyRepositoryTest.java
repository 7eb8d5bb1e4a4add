package dev.cairn.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.cairn.platform.AdminAction;
import dev.cairn.support.TestDatabases;
import dev.cairn.support.TestDatabases.TestDatabase;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Admin guard rules in the database, on SQLite and PostgreSQL with the same assertions: storage,
 * the version that tells other processes to reload, and two "processes" (two stores on one
 * database) seeing each other's changes.
 */
class GuardPolicyRepositoryTest {

    @TempDir
    static Path dir;

    /** A fresh SQLite file per test, as PostgreSQL gets a fresh schema: the version counts from zero. */
    static Stream<TestDatabase> databases() throws IOException {
        return Stream.of(TestDatabases.sqlite(Files.createTempDirectory(dir, "db")), TestDatabases.postgres());
    }

    private static GuardPolicyRepository repository(TestDatabase db) {
        return new GuardPolicyRepository(JdbcClient.create(db.source()),
                new TransactionTemplate(new DataSourceTransactionManager(db.source())));
    }

    private static GuardPolicies policies(PolicyOverrides overrides) {
        return new GuardPolicies(new Binder(new MapConfigurationPropertySource(Map.of("cairn.guard.workspaces.lab.pii.action", "redact")))
                .bindOrCreate("cairn.guard", GuardProperties.class), overrides);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void replacesAWorkspacesRulesAtomicallyAndRaisesTheVersion(TestDatabase db) {
        try (db) {
            GuardPolicyRepository repository = repository(db);
            assertThat(repository.version()).isZero();
            assertThat(repository.load().workspaces()).isEmpty();
            Instant at = Instant.ofEpochMilli(1_760_000_000_123L);

            assertThat(repository.replace("lab", Map.of("injection", new RuleOverride(Action.FLAG, null),
                    "pii", new RuleOverride(null, 0.25)), "key_a", at)).isEmpty();
            repository.replace("ops", Map.of("secrets", new RuleOverride(Action.BLOCK, 1.0)), "key_a", at);
            assertThat(repository.version()).isEqualTo(2);

            PolicyOverrides.Snapshot loaded = repository.load();
            assertThat(loaded.version()).isEqualTo(2);
            PolicyOverrides.Workspace lab = loaded.workspaces().get("lab");
            assertThat(lab.rules()).isEqualTo(Map.of("injection", new RuleOverride(Action.FLAG, null),
                    "pii", new RuleOverride(null, 0.25)));
            assertThat(lab.updatedAt()).isEqualTo(at);
            assertThat(lab.updatedBy()).isEqualTo("key_a");

            PolicyOverrides.Workspace replaced = repository.replace("lab", Map.of("unicode", new RuleOverride(Action.ALLOW, 0.0)),
                    "key_b", at.plusSeconds(1)).orElseThrow();
            assertThat(replaced.rules()).containsOnlyKeys("injection", "pii");
            assertThat(repository.load().workspaces().get("lab").rules()).containsOnlyKeys("unicode");

            assertThat(repository.replace("lab", Map.of(), "key_b", at.plusSeconds(2)).orElseThrow().rules()).containsOnlyKeys("unicode");
            assertThat(repository.replace("lab", Map.of(), "key_b", at.plusSeconds(3))).isEmpty();
            assertThat(repository.load().workspaces()).containsOnlyKeys("ops");
            assertThat(repository.version()).isEqualTo(5);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aChangeAppliesAtOnceWhereItWasMadeAndAfterOneRefreshElsewhere(TestDatabase db) throws Exception {
        try (db) {
            StoredPolicyOverrides here = new StoredPolicyOverrides(repository(db), Duration.ofHours(1));
            StoredPolicyOverrides there = new StoredPolicyOverrides(repository(db), Duration.ofMillis(100));
            List<AdminAction> recorded = new ArrayList<>();
            GuardPolicies policiesHere = policies(here);
            GuardPolicies policiesThere = policies(there);
            GuardPolicyAdmin admin = new GuardPolicyAdmin(repository(db), here, policiesHere, event -> recorded.add((AdminAction) event));

            EffectivePolicy after = admin.replace("lab", Map.of("injection", new RuleOverride(Action.FLAG, 0.9)), "key_admin");
            assertThat(after.rules().get("injection")).isEqualTo(new EffectivePolicy.Rule(new PolicyRule(Action.FLAG, 0.9),
                    EffectivePolicy.Source.ADMIN));
            assertThat(policiesHere.forWorkspace("lab").get("injection")).as("no wait in the process that made the change")
                    .isEqualTo(new PolicyRule(Action.FLAG, 0.9));

            // The other process polls the version every 100 ms here (every 2 s in Cairn).
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (policiesThere.forWorkspace("lab").get("injection").action() != Action.FLAG && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(policiesThere.forWorkspace("lab").get("injection")).isEqualTo(new PolicyRule(Action.FLAG, 0.9));
            assertThat(policiesThere.describe("lab").rules().get("pii").source()).isEqualTo(EffectivePolicy.Source.CONFIG);

            admin.remove("lab", "key_admin");
            assertThat(policiesHere.forWorkspace("lab").get("injection")).isEqualTo(new PolicyRule(Action.BLOCK, 0.7));
            here.refresh(); // unchanged version: keeps its snapshot
            there.refresh();
            assertThat(policiesThere.forWorkspace("lab").get("injection")).isEqualTo(new PolicyRule(Action.BLOCK, 0.7));

            assertThat(recorded).extracting(AdminAction::type).containsExactly(GuardPolicyAdmin.UPDATED, GuardPolicyAdmin.DELETED);
            AdminAction set = recorded.getFirst();
            assertThat(set.workspace()).isEqualTo("lab");
            assertThat(set.actorKeyId()).isEqualTo("key_admin");
            JsonNode before = (JsonNode) set.details().get("before");
            JsonNode changed = (JsonNode) set.details().get("after");
            assertThat(before.path("rules").path("injection").path("action").asString()).isEqualTo("block");
            assertThat(before.path("overrides").isEmpty()).isTrue();
            assertThat(changed.path("rules").path("injection").path("action").asString()).isEqualTo("flag");
            assertThat(changed.path("rules").path("injection").path("source").asString()).isEqualTo("admin");
            assertThat(changed.path("overrides").path("injection").path("threshold").asDouble()).isEqualTo(0.9);
            JsonNode dropped = (JsonNode) recorded.getLast().details().get("before");
            assertThat(dropped.path("overrides").path("injection").path("action").asString()).isEqualTo("flag");
            here.close();
            there.close();
        }
    }
}
