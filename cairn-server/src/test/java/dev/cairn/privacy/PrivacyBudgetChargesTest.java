package dev.cairn.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import dev.cairn.audit.AuditEvent;
import dev.cairn.audit.AuditRepository;
import dev.cairn.audit.EntryFilter;
import dev.cairn.audit.TestAuditLog;
import dev.cairn.platform.Dialect;
import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.WriteGate;
import dev.cairn.support.Settings;
import dev.cairn.support.TestDatabases;
import dev.cairn.support.TestDatabases.TestDatabase;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Charging budgets on real SQLite and PostgreSQL with a real audit log: all holders or none, spending
 * as the composed ledger's ε (not a sum of ε's), overrides, concurrent charges that never overspend,
 * every charge a privacy.charged entry from which the ledgers rebuild, and charges a failure left
 * half done settled from the log, once.
 */
class PrivacyBudgetChargesTest {

    private static final double DELTA = 1e-5;
    private static final GaussianRun RUN = new GaussianRun(1.0, 0.01, 1000);
    private static final BudgetHolder DATASET = BudgetHolder.dataset("ds_books");
    private static final BudgetHolder ALICE = BudgetHolder.annotator("key_alice");
    private static final BudgetHolder BOB = BudgetHolder.annotator("key_bob");

    @TempDir
    static Path dir;

    static Stream<String> vendors() {
        return Stream.of("sqlite", "postgresql");
    }

    /** The feature's parts on one database, as Spring would wire them, with the configured defaults. */
    private record Budgets(TestDatabase db, TestAuditLog audit, AuditRepository entries, BudgetRepository repository,
                           PrivacyBudgets budgets, BudgetCharges charges) implements AutoCloseable {

        static Budgets open(String vendor, Path dir) {
            TestDatabase db = vendor.equals("sqlite") ? TestDatabases.sqlite(directory(dir)) : TestDatabases.postgres();
            TestAuditLog audit = TestAuditLog.on(db.source());
            Dialect dialect = Dialect.of(db.source());
            AuditRepository entries = new AuditRepository(db.source(), JdbcClient.create(db.source()), WriteGate.of(dialect));
            BudgetRepository repository = new BudgetRepository(JdbcClient.create(db.source()));
            PrivacyBudgets budgets = new PrivacyBudgets(Settings.bind("cairn.privacy", PrivacyProperties.class, Map.of()),
                    repository, new StandardEnvironment());
            return new Budgets(db, audit, entries, repository, budgets, charges(db, audit, entries, repository, budgets));
        }

        private static Path directory(Path dir) {
            try {
                return Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Another process's charger on the same database: its own lock, its own connections. */
        static BudgetCharges charges(TestDatabase db, TestAuditLog audit, AuditRepository entries, BudgetRepository repository,
                                     PrivacyBudgets budgets) {
            return new BudgetCharges(budgets, repository, audit.log(), entries, new DataSourceTransactionManager(db.source()),
                    Dialect.of(db.source()));
        }

        BudgetCharges.Charged charge(String computation, GaussianRun run, BudgetHolder... holders) {
            return charges.charge(new BudgetCharges.Charge("ws", "key_trainer", computation, List.of(holders), run));
        }

        BudgetRepository.Spending spending(BudgetHolder holder) {
            return repository.spending("ws", holder);
        }

        double spent(BudgetHolder holder) {
            return budgets.status("ws", holder, new RunRdp()).spent();
        }

        List<JsonNode> chargeEntries() {
            return entries.list(new EntryFilter(null, null, BudgetCharges.TYPE, null, null, null), -1, 1000).stream()
                    .map(stored -> JsonBodies.JSON.readTree(stored.data())).toList();
        }

        @Override
        public void close() {
            audit.close();
            db.close();
        }
    }

    private static double epsilon(GaussianRun... runs) {
        return PrivacyLedger.of(runs).spent(DELTA).epsilon();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vendors")
    void aRunThatWouldOverspendOneHolderChargesNoOneAndRecordsNothing(String vendor) {
        try (Budgets b = Budgets.open(vendor, dir.resolve("overspend"))) {
            b.budgets.set("ws", ALICE, new Budget((epsilon(RUN) + epsilon(RUN, RUN)) / 2, DELTA), "key_admin");
            b.charge("trn_first", RUN, DATASET, ALICE, BOB);
            BudgetRepository.Spending dataset = b.spending(DATASET);
            BudgetRepository.Spending alice = b.spending(ALICE);

            assertThatThrownBy(() -> b.charge("trn_second", RUN, DATASET, ALICE, BOB))
                    .isInstanceOfSatisfying(PrivacyException.class, e -> {
                        assertThat(e.error().status()).isEqualTo(409);
                        assertThat(e.error().code()).isEqualTo("privacy_budget_exceeded");
                        assertThat(e.error().param()).isEqualTo("annotator key_alice");
                        assertThat(e.error().message()).contains("trn_second", "annotator key_alice",
                                "ε = " + epsilon(RUN, RUN), "Nothing was charged");
                    });

            assertThat(b.spending(DATASET)).isEqualTo(dataset);
            assertThat(b.spending(ALICE)).isEqualTo(alice);
            assertThat(b.spending(BOB).charges()).isEqualTo(1);
            assertThat(b.chargeEntries()).hasSize(1);
            assertThat(b.chargeEntries().getFirst().path("data").path("computation").asString()).isEqualTo("trn_first");
            assertThat(b.repository.unsettled()).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vendors")
    void spendingIsTheComposedLedgersEpsilonAndTheLogRebuildsIt(String vendor) {
        GaussianRun other = new GaussianRun(1.3, 0.05, 400);
        try (Budgets b = Budgets.open(vendor, dir.resolve("compose"))) {
            BudgetCharges.Charged first = b.charge("trn_a", RUN, DATASET, ALICE);
            BudgetCharges.Charged second = b.charge("trn_b", other, DATASET);

            double composed = epsilon(RUN, other);
            assertThat(b.spent(DATASET)).isEqualTo(composed).isLessThan(epsilon(RUN) + epsilon(other));
            assertThat(b.spent(ALICE)).isEqualTo(epsilon(RUN));
            assertThat(second.holders().getFirst().epsilonBefore()).isEqualTo(epsilon(RUN));
            assertThat(second.holders().getFirst().epsilonAfter()).isEqualTo(composed);
            assertThat(second.logIndex()).isGreaterThan(first.logIndex());

            // The ledger of each holder, folded from the privacy.charged entries alone.
            PrivacyLedger rebuilt = PrivacyLedger.empty();
            for (JsonNode entry : b.chargeEntries()) {
                JsonNode data = entry.path("data");
                for (JsonNode holder : data.path("holders")) {
                    if (holder.path("id").asString().equals(DATASET.id())) {
                        rebuilt = rebuilt.plus(new GaussianRun(data.path("run").path("noise_multiplier").asDouble(),
                                data.path("run").path("sample_rate").asDouble(), data.path("run").path("steps").asLong()));
                    }
                }
            }
            assertThat(rebuilt).isEqualTo(b.spending(DATASET).ledger());
            JsonNode last = b.chargeEntries().getLast();
            assertThat(last.path("key_id").asString()).isEqualTo("key_trainer");
            assertThat(last.path("data").path("holders").get(0).path("epsilon_after").asDouble()).isEqualTo(composed);
            assertThat(last.path("data").path("holders").get(0).path("budget").path("epsilon").asDouble()).isEqualTo(10.0);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vendors")
    void raisingABudgetLetsARefusedRunThroughAndDeletingItRestoresTheDefault(String vendor) {
        GaussianRun big = new GaussianRun(0.8, 0.1, 2000);
        try (Budgets b = Budgets.open(vendor, dir.resolve("override"))) {
            assertThat(epsilon(big)).isGreaterThan(10);
            assertThatThrownBy(() -> b.charge("trn_big", big, DATASET)).hasMessageContaining("dataset ds_books");
            b.budgets.set("ws", DATASET, new Budget(epsilon(big) + 1, DELTA), "key_admin");
            b.charge("trn_big", big, DATASET);
            assertThat(b.spent(DATASET)).isEqualTo(epsilon(big));
            assertThat(b.budgets.unset("ws", DATASET)).isTrue();
            PrivacyBudgets.Status status = b.budgets.status("ws", DATASET, new RunRdp());
            assertThat(status.budget()).isEqualTo(new Budget(10, DELTA));
            assertThat(status.left()).isZero();
            assertThat(status.charges()).isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vendors")
    void concurrentChargesNeverTakeAHolderOverItsBudget(String vendor) throws Exception {
        try (Budgets b = Budgets.open(vendor, dir.resolve("concurrent"))) {
            double budget = (epsilon(RUN, RUN, RUN) + epsilon(RUN, RUN, RUN, RUN)) / 2;
            b.budgets.set("ws", DATASET, new Budget(budget, DELTA), "key_admin");
            // Two chargers on PostgreSQL stand for two processes, queued by the lock row; SQLite has one writing process.
            List<BudgetCharges> chargers = vendor.equals("postgresql")
                    ? List.of(b.charges, Budgets.charges(b.db, b.audit, b.entries, b.repository, b.budgets))
                    : List.of(b.charges);
            int threads = 8;
            List<Callable<Boolean>> tasks = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                BudgetCharges charger = chargers.get(i % chargers.size());
                String computation = "trn_" + i;
                tasks.add(() -> {
                    try {
                        charger.charge(new BudgetCharges.Charge("ws", "key_trainer", computation, List.of(DATASET, ALICE), RUN));
                        return true;
                    } catch (PrivacyException e) {
                        assertThat(e.error().status()).isEqualTo(409);
                        return false;
                    }
                });
            }
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            long charged = 0;
            try {
                for (Future<Boolean> done : pool.invokeAll(tasks)) {
                    charged += done.get() ? 1 : 0;
                }
            } finally {
                pool.shutdown();
            }
            assertThat(charged).isEqualTo(3);
            assertThat(b.spent(DATASET)).isEqualTo(epsilon(RUN, RUN, RUN)).isLessThanOrEqualTo(budget);
            assertThat(b.spending(DATASET).charges()).isEqualTo(3);
            assertThat(b.spending(ALICE).charges()).isEqualTo(3);
            assertThat(b.chargeEntries()).hasSize(3);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vendors")
    void aChargeLeftHalfDoneIsSettledFromTheLogOnce(String vendor) {
        try (Budgets b = Budgets.open(vendor, dir.resolve("settle"))) {
            // A charge whose entry was committed but whose ledgers were not written (the process stopped),
            // and one whose entry never made it to the log.
            String data = """
                    {"charge_id":"pch_logged","computation":"trn_logged","run":{"noise_multiplier":1.0,"sample_rate":0.01,"steps":1000},
                     "holders":[{"kind":"dataset","id":"ds_books"}]}""";
            b.repository.insertCharge(new BudgetRepository.ChargeRow("pch_logged", "ws", "trn_logged", data, null), Instant.now());
            b.audit.log().append(new AuditEvent(BudgetCharges.TYPE, "pch_logged", Instant.now(), "ws", "key_trainer", null,
                    null, (ObjectNode) JsonBodies.JSON.readTree(data), null)).join();
            b.repository.insertCharge(new BudgetRepository.ChargeRow("pch_lost", "ws", "trn_lost",
                    data.replace("pch_logged", "pch_lost"), null), Instant.now());

            BudgetCharges.Charged next = b.charge("trn_next", RUN, DATASET);
            assertThat(next.holders().getFirst().epsilonBefore()).isEqualTo(epsilon(RUN));
            assertThat(b.spent(DATASET)).isEqualTo(epsilon(RUN, RUN));
            assertThat(b.spending(DATASET).charges()).isEqualTo(2);
            assertThat(b.repository.unsettled()).isEmpty();
            assertThat(b.repository.settle("pch_logged", 0)).as("settled once, never again").isFalse();
            b.charge("trn_after", RUN, ALICE);
            assertThat(b.spending(DATASET).charges()).isEqualTo(2);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vendors")
    void whenTheLogCannotRecordAChargeNothingIsCharged(String vendor) {
        try (Budgets b = Budgets.open(vendor, dir.resolve("down"))) {
            b.audit.close();
            assertThatThrownBy(() -> b.charge("trn_unrecorded", RUN, DATASET, ALICE))
                    .isInstanceOfSatisfying(PrivacyException.class, e -> assertThat(e.error().status()).isEqualTo(503));
            assertThat(b.spending(DATASET)).isEqualTo(BudgetRepository.Spending.NONE);
            assertThat(b.spending(ALICE)).isEqualTo(BudgetRepository.Spending.NONE);
            assertThat(b.repository.unsettled()).isEmpty();
        }
    }
}
