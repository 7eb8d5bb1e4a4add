package dev.cairn.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cairn.gateway.GatewayProperties;
import dev.cairn.gateway.ModelRouter;
import dev.cairn.platform.AdminAction;
import dev.cairn.platform.RequestException;
import dev.cairn.support.Settings;
import dev.cairn.support.TestDatabases;
import dev.cairn.support.TestDatabases.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Stored model groups on SQLite and PostgreSQL, as several Cairn processes on one database see
 * them: each "process" has its own connection pool, store and {@link Routing}. A change routes at
 * once where it was made and after one refresh elsewhere; changes are checked against what the
 * database holds, not against a process's possibly stale copy; an unreadable database keeps the
 * groups last loaded in force.
 */
class ModelGroupsAcrossProcessesTest {

    @TempDir
    static Path dir;

    private static final GatewayProperties GATEWAY = Settings.bind("cairn", GatewayProperties.class, Settings.of(
            "cairn.providers.a.base-url", "http://127.0.0.1:1/v1", "cairn.providers.b.base-url", "http://127.0.0.1:1/v1"));
    private static final RoutingProperties ROUTING = Settings.bind("cairn", RoutingProperties.class, Settings.of(
            "cairn.models.configured.deployments[0].model", "a/m1"));

    static Stream<TestDatabase> databases() throws IOException {
        return Stream.of(TestDatabases.sqlite(Files.createTempDirectory(dir, "db")), TestDatabases.postgres());
    }

    /** One Cairn process as far as model groups go: its own pool on the shared database, store, routing and admin. */
    private static final class Process implements AutoCloseable {

        final HikariDataSource pool;
        final StoredModelGroups stored;
        final Routing routing;
        final ModelGroupAdmin admin;
        final List<AdminAction> recorded = new ArrayList<>();
        private final ModelRouter router;

        Process(TestDatabase db, Duration refreshInterval) {
            this(db, refreshInterval, GATEWAY);
        }

        Process(TestDatabase db, Duration refreshInterval, GatewayProperties gateway) {
            router = new ModelRouter(gateway);
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(db.dataSource().getJdbcUrl());
            config.setMaximumPoolSize(2);
            pool = new HikariDataSource(config);
            ModelGroupRepository repository = new ModelGroupRepository(JdbcClient.create(pool),
                    new TransactionTemplate(new DataSourceTransactionManager(pool)));
            stored = new StoredModelGroups(repository, refreshInterval);
            RoutingMetrics metrics = new RoutingMetrics(new SimpleMeterRegistry());
            routing = new Routing(router, ROUTING, Settings.bind("cairn", dev.cairn.usage.PricingProperties.class, Map.of()),
                    new DeploymentStates(ROUTING, new LocalRouteState(), metrics), metrics,
                    new StaticListableBeanFactory(Map.of("stored", stored)).getBeanProvider(StoredGroups.class));
            admin = new ModelGroupAdmin(repository, stored, routing, ROUTING, event -> recorded.add((AdminAction) event));
        }

        /** The deployments the group routes to now, as {@code <provider>/<model>:<weight>}. */
        List<String> deployments(String group) {
            Group found = routing.table().group(group);
            return found == null ? null : found.deployments().stream().map(d -> d.name() + ":" + d.weight()).toList();
        }

        @Override
        public void close() {
            stored.close();
            for (var provider : router.providers()) {
                if (provider instanceof AutoCloseable closeable) {
                    try {
                        closeable.close();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
            pool.close();
        }
    }

    private static RoutingProperties.GroupSpec spec(String json) {
        return GroupJson.parse("test", dev.cairn.platform.JsonBodies.JSON.readTree(json));
    }

    private static void eventually(Supplier<Object> actual, Object expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!java.util.Objects.equals(expected, actual.get()) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(actual.get()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aChangeRoutesAtOnceWhereItWasMadeAndAfterOneRefreshElsewhere(TestDatabase db) throws Exception {
        try (db; Process here = new Process(db, Duration.ofHours(1)); Process there = new Process(db, Duration.ofMillis(100))) {
            assertThat(there.deployments("smart")).isNull();

            here.admin.set("smart", spec("""
                    {"deployments":[{"model":"a/m1","weight":2},{"model":"b/m2","weight":3}],"fallbacks":["configured"]}"""), "key_admin");
            assertThat(here.deployments("smart")).as("no wait where the change was made").containsExactly("a/m1:2", "b/m2:3");
            // The other process polls the version every 100 ms here (every 2 s in Cairn).
            eventually(() -> there.deployments("smart"), List.of("a/m1:2", "b/m2:3"));
            assertThat(there.routing.table().group("smart").fallbacks()).containsExactly("configured");

            // A stored group replaces the configured one of its name until it is deleted.
            here.admin.set("configured", spec("{\"deployments\":[{\"model\":\"b/m2\"}]}"), "key_admin");
            eventually(() -> there.deployments("configured"), List.of("b/m2:1"));
            here.admin.remove("configured", "key_admin");
            eventually(() -> there.deployments("configured"), List.of("a/m1:1"));

            here.admin.set("smart", spec("{\"deployments\":[{\"model\":\"b/m2\",\"weight\":7}]}"), "key_admin");
            eventually(() -> there.deployments("smart"), List.of("b/m2:7"));
            here.admin.remove("smart", "key_admin");
            eventually(() -> there.deployments("smart"), null);

            assertThat(here.recorded).extracting(AdminAction::type).containsExactly(ModelGroupAdmin.UPDATED, ModelGroupAdmin.UPDATED,
                    ModelGroupAdmin.DELETED, ModelGroupAdmin.UPDATED, ModelGroupAdmin.DELETED);
            AdminAction replaced = here.recorded.get(1);
            assertThat(replaced.actorKeyId()).isEqualTo("key_admin");
            assertThat(((JsonNode) replaced.details().get("before")).get("source").asString()).isEqualTo("config");
            assertThat(((JsonNode) replaced.details().get("after")).get("source").asString()).isEqualTo("admin");
            assertThat(((JsonNode) replaced.details().get("after")).get("replaces_config").asBoolean()).isTrue();
            AdminAction restored = here.recorded.get(2);
            assertThat(((JsonNode) restored.details().get("after")).get("deployments").get(0).get("model").asString()).isEqualTo("a/m1");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void changesAreCheckedAgainstTheDatabaseNotAgainstAStaleCopy(TestDatabase db) {
        try (db; Process here = new Process(db, Duration.ofHours(1)); Process stale = new Process(db, Duration.ofHours(1))) {
            here.admin.set("first", spec("{\"deployments\":[{\"model\":\"a/m1\"}]}"), "key_a");
            here.admin.set("second", spec("{\"deployments\":[{\"model\":\"a/m1\"}],\"fallbacks\":[\"first\"]}"), "key_a");
            assertThat(stale.stored.current().groups()).as("not refreshed yet").isEmpty();

            // Its copy knows no "second", so only the database shows that this closes a cycle.
            RequestException cycle = catchThrowableOfType(RequestException.class, () -> stale.admin.set("first",
                    spec("{\"deployments\":[{\"model\":\"a/m1\"}],\"context_window_fallbacks\":[\"second\"]}"), "key_b"));
            assertThat(cycle.error().status()).isEqualTo(400);
            assertThat(cycle.error().message()).contains("makes a fallback cycle");
            // Nor does it know that "second" falls back to "first".
            RequestException inUse = catchThrowableOfType(RequestException.class, () -> stale.admin.remove("first", "key_b"));
            assertThat(inUse.error().status()).isEqualTo(409);
            assertThat(inUse.error().param()).isEqualTo("second.fallbacks[0]");

            // What its copy lacks, the database has: a fallback to "second" is fine.
            stale.admin.set("third", spec("{\"deployments\":[{\"model\":\"b/m2\"}],\"fallbacks\":[\"second\"]}"), "key_b");
            assertThat(stale.stored.current().groups()).containsOnlyKeys("first", "second", "third");
            assertThat(stale.recorded).hasSize(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void whileTheDatabaseCannotBeReadTheGroupsLastLoadedStayInForce(TestDatabase db) {
        try (db; Process here = new Process(db, Duration.ofHours(1)); Process cut = new Process(db, Duration.ofHours(1))) {
            here.admin.set("kept", spec("{\"deployments\":[{\"model\":\"b/m2\",\"weight\":4}]}"), "key_a");
            cut.stored.refresh();
            assertThat(cut.deployments("kept")).containsExactly("b/m2:4");
            cut.pool.close(); // every read now fails, as when the database is unreachable
            here.admin.remove("kept", "key_a");
            cut.stored.refresh();
            cut.stored.refresh();
            assertThat(cut.deployments("kept")).containsExactly("b/m2:4");
            assertThat(here.deployments("kept")).isNull();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aStoredGroupOverAProviderNoLongerConfiguredDoesNotStopTheStart(TestDatabase db) {
        GatewayProperties withoutB = Settings.bind("cairn", GatewayProperties.class, Settings.of(
                "cairn.providers.a.base-url", "http://127.0.0.1:1/v1"));
        try (db; Process before = new Process(db, Duration.ofHours(1))) {
            before.admin.set("on-b", spec("{\"deployments\":[{\"model\":\"b/m2\"}]}"), "key_a");
            before.admin.set("on-a", spec("{\"deployments\":[{\"model\":\"a/m1\"}]}"), "key_a");
            // Provider b removed from the configuration: Cairn must still start, or no API could fix the group.
            try (Process after = new Process(db, Duration.ofHours(1), withoutB)) {
                assertThat(after.deployments("configured")).containsExactly("a/m1:1");
                assertThat(after.deployments("on-b")).isNull();
                // Each change names the broken group until it is fixed or deleted.
                RequestException named = catchThrowableOfType(RequestException.class, () -> after.admin.set("other",
                        spec("{\"deployments\":[{\"model\":\"a/m1\"}]}"), "key_a"));
                assertThat(named.error().param()).isEqualTo("on-b.deployments[0].model");
                after.admin.remove("on-b", "key_a");
                assertThat(after.deployments("on-a")).containsExactly("a/m1:1");
            }
        }
    }
}
