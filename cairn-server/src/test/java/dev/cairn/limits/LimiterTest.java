package dev.cairn.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.entry;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import dev.cairn.support.Settings;
import dev.cairn.access.Principal;
import dev.cairn.access.Role;
import dev.cairn.audit.ErasureParticipant;
import dev.cairn.platform.Dialect;
import dev.cairn.platform.WriteGate;
import dev.cairn.support.TestDatabases;
import dev.cairn.support.TestDatabases.TestDatabase;
import dev.cairn.usage.UsageEvent;
import dev.cairn.usage.UsageLedger;
import dev.cairn.usage.UsageRepository;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The limits step alone, without a server: the rules as configured, this process's buckets on a
 * clock the test holds still, and budgets summed from a usage ledger on a SQLite file. What it
 * admits, the headers it gives back either way, what it refuses and why, and how settling squares
 * an estimate with what a call really used and cost.
 */
class LimiterTest {

    @TempDir
    static Path dir;

    static final Instant NOW = Instant.parse("2026-11-21T15:00:00Z");
    static final ClientPeer LOCAL = new ClientPeer("127.0.0.1", List.of());

    private static TestDatabase db;
    private static UsageRepository usage;
    private static UsageLedger ledger;

    private final AtomicLong clockMicros = new AtomicLong(1_000_000_000L);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<Spending> spendings = new ArrayList<>();

    @BeforeAll
    static void openTheLedger() {
        db = TestDatabases.sqlite(dir);
        usage = new UsageRepository(new JdbcTemplate(db.source()), JdbcClient.create(db.source()));
        ledger = new UsageLedger(usage, new TransactionTemplate(new DataSourceTransactionManager(db.source())),
                WriteGate.of(Dialect.of(db.source())));
    }

    @AfterEach
    void stopRefreshing() {
        spendings.forEach(Spending::close);
    }

    @AfterAll
    static void closeTheLedger() {
        ledger.flush();
        db.close();
    }

    /** A limiter as Spring would build it from these {@code cairn.*} settings, on the test's clock and ledger. */
    private Limiter limiter(String... settings) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < settings.length; i += 2) {
            map.put(settings[i], settings[i + 1]);
        }
        LimitsProperties properties = Settings.bind("cairn.limits", LimitsProperties.class, map);
        LimitMetrics metrics = new LimitMetrics(registry);
        Spending spending = new Spending(usage, ledger, Duration.ofMinutes(5), Clock.fixed(NOW, ZoneOffset.UTC));
        spendings.add(spending);
        buckets = new Buckets(new LocalBuckets(clockMicros::get), null, true, metrics);
        return new Limiter(new LimitRules(properties, null), buckets, spending, new ClientAddress(properties), metrics, END_USERS);
    }

    /** Stands in for the master key's subject ids: distinct per workspace and end user. */
    private static final Limiter.EndUserIds END_USERS = (workspace, user) -> "sub_" + Integer.toHexString(
            (workspace + "\u0000" + user).hashCode()) + Integer.toHexString(user.length());
    /** The buckets of the limiter made last. */
    private Buckets buckets;

    private static Principal key(String keyId, String workspace) {
        return new Principal(keyId, workspace, Role.USER, List.of());
    }

    private static Limiter.Request request(Principal principal, long estimate) {
        return new Limiter.Request(principal, LOCAL, null, () -> estimate);
    }

    private double rejections(String dimension, String limit) {
        var counter = registry.find("cairn.limits.rejections").tag("dimension", dimension).tag("limit", limit).counter();
        return counter == null ? 0 : counter.count();
    }

    private static void spent(Instant at, String keyId, String workspace, long nanoUsd) {
        usage.insertAll(List.of(new UsageEvent(at, keyId, workspace, "chat.completions", "p/m", "p", 200, null, false, 10, 10,
                nanoUsd, 1.0, 1.0, "trace")));
    }

    @Test
    void anAdmittedRequestCarriesTheHeadersOfItsTightestBuckets() {
        Limiter limiter = limiter(
                "cairn.limits.defaults.key.requests-per-minute", "2",
                "cairn.limits.defaults.key.tokens-per-minute", "1000",
                "cairn.limits.defaults.workspace.requests-per-minute", "100");
        Principal principal = key("key_a", "ws_a");

        Admission admission = limiter.admit(request(principal, 300));

        assertThat(admission.headers()).containsExactly(
                entry("x-ratelimit-limit-requests", "2"),
                entry("x-ratelimit-remaining-requests", "1"),
                entry("x-ratelimit-reset-requests", "30s"),
                entry("x-ratelimit-limit-tokens", "1000"),
                entry("x-ratelimit-remaining-tokens", "700"),
                entry("x-ratelimit-reset-tokens", "18s"));
        assertThat(limiter.admit(request(principal, 300)).headers())
                .contains(entry("x-ratelimit-remaining-requests", "0"), entry("x-ratelimit-remaining-tokens", "400"));
    }

    @Test
    void aRefusalSaysWhichLimitAndWhenToRetryAndTakesNothing() {
        Limiter limiter = limiter(
                "cairn.limits.defaults.key.requests-per-minute", "2",
                "cairn.limits.defaults.key.tokens-per-minute", "1000");
        Principal principal = key("key_b", "ws_b");
        limiter.admit(request(principal, 300));
        limiter.admit(request(principal, 300));

        LimitException refused = catchThrowableOfType(LimitException.class, () -> limiter.admit(request(principal, 300)));

        assertThat(refused.error().status()).isEqualTo(429);
        assertThat(refused.error().type()).isEqualTo("requests");
        assertThat(refused.error().code()).isEqualTo("rate_limit_exceeded");
        assertThat(refused.error().message()).isEqualTo("Rate limit reached for requests per minute (RPM) of key key_b: "
                + "limit 2, remaining 0, requested 1. Try again in 30s.");
        assertThat(refused.headers()).containsExactly(
                entry("x-ratelimit-limit-requests", "2"),
                entry("x-ratelimit-remaining-requests", "0"),
                entry("x-ratelimit-reset-requests", "1m0s"),
                entry("x-ratelimit-limit-tokens", "1000"),
                entry("x-ratelimit-remaining-tokens", "400"),
                entry("x-ratelimit-reset-tokens", "36s"),
                entry("Retry-After", "30"),
                entry("retry-after-ms", "30000"));
        assertThat(limiter.describe(principal, LOCAL)).as("the refused request took no tokens")
                .containsEntry("x-ratelimit-remaining-tokens", "400");
        assertThat(rejections("key", "requests")).isEqualTo(1);

        clockMicros.addAndGet(Duration.ofSeconds(30).toNanos() / 1000);
        assertThat(limiter.admit(request(principal, 300)).headers()).as("admitted once the wait is over")
                .containsEntry("x-ratelimit-remaining-requests", "0");
    }

    @Test
    void aRequestLargerThanATokenLimitIsRefusedWithoutARetryItCouldNeverPass() {
        Limiter limiter = limiter(
                "cairn.limits.defaults.key.requests-per-minute", "10",
                "cairn.limits.defaults.key.tokens-per-minute", "1000");
        Principal principal = key("key_c", "ws_c");

        LimitException refused = catchThrowableOfType(LimitException.class, () -> limiter.admit(request(principal, 1500)));

        assertThat(refused.error().status()).isEqualTo(429);
        assertThat(refused.error().type()).isEqualTo("tokens");
        assertThat(refused.error().message()).startsWith("Request too large for tokens per minute (TPM) of key key_c: "
                + "limit 1000, requested 1500");
        assertThat(refused.headers()).containsEntry("x-ratelimit-remaining-tokens", "1000")
                .doesNotContainKeys("Retry-After", "retry-after-ms");
        assertThat(limiter.describe(principal, LOCAL)).as("not even its request was counted")
                .containsEntry("x-ratelimit-remaining-requests", "10");
        assertThat(rejections("key", "tokens")).isEqualTo(1);
    }

    @Test
    void theEstimateIsAskedForOnlyWhenATokenLimitApplies() {
        AtomicInteger asked = new AtomicInteger();
        LongSupplier estimate = () -> {
            asked.incrementAndGet();
            return 5;
        };
        Principal principal = key("key_d", "ws_d");

        limiter("cairn.limits.defaults.key.requests-per-minute", "10").admit(new Limiter.Request(principal, LOCAL, null, estimate));
        assertThat(asked).as("requests only").hasValue(0);
        limiter().admit(new Limiter.Request(principal, LOCAL, null, estimate));
        assertThat(asked).as("no limits at all").hasValue(0);

        limiter("cairn.limits.defaults.workspace.tokens-per-day", "100").admit(new Limiter.Request(principal, LOCAL, null, estimate));
        assertThat(asked).as("a workspace's tokens").hasValue(1);
    }

    @Test
    void nothingConfiguredAdmitsEverythingWithNoHeadersAndNothingToSettle() {
        Limiter limiter = limiter();
        Principal principal = key("key_e", "ws_e");

        Admission admission = limiter.admit(request(principal, 1_000_000));

        assertThat(admission).isSameAs(Admission.NONE);
        assertThat(admission.headers()).isEmpty();
        assertThat(limiter.describe(principal, LOCAL)).isEmpty();
        limiter.settle(admission, 200, 10, 10, 5_000);
        limiter.settle(null, 500, 0, 0, 0);
    }

    @Test
    void settlingRefundsAnOverestimateChargesAnUnderestimateAndGivesAFailedCallsEstimateBack() {
        Limiter limiter = limiter("cairn.limits.defaults.key.tokens-per-minute", "1000");
        Principal principal = key("key_f", "ws_f");

        limiter.settle(limiter.admit(request(principal, 300)), 200, 100, 50, 0);
        assertThat(limiter.describe(principal, LOCAL)).as("300 estimated, 150 used")
                .containsEntry("x-ratelimit-remaining-tokens", "850");

        limiter.settle(limiter.admit(request(principal, 300)), 502, 0, 0, 0);
        assertThat(limiter.describe(principal, LOCAL)).as("failed with no usage: all given back")
                .containsEntry("x-ratelimit-remaining-tokens", "850");

        limiter.settle(limiter.admit(request(principal, 300)), 200, 0, 0, 0);
        assertThat(limiter.describe(principal, LOCAL)).as("succeeded without counts: the estimate stands")
                .containsEntry("x-ratelimit-remaining-tokens", "550");

        limiter.settle(limiter.admit(request(principal, 100)), 499, 0, 0, 0);
        assertThat(limiter.describe(principal, LOCAL)).as("the client left: the estimate stands")
                .containsEntry("x-ratelimit-remaining-tokens", "450");

        limiter.settle(limiter.admit(request(principal, 50)), 200, 300, 100, 0);
        assertThat(limiter.describe(principal, LOCAL)).as("50 estimated, 400 used")
                .containsEntry("x-ratelimit-remaining-tokens", "50");
    }

    @Test
    void aSpentBudgetRefusesUntilItsPeriodRenews() {
        spent(Instant.parse("2026-11-21T09:00:00Z"), "key_g1", "ws_g", 300_000_000);
        spent(Instant.parse("2026-11-21T10:00:00Z"), "key_g2", "ws_g", 200_000_000);
        spent(Instant.parse("2026-11-20T10:00:00Z"), "key_g2", "ws_g", 900_000_000); // yesterday: not today's
        Limiter limiter = limiter(
                "cairn.limits.defaults.workspace.daily-budget-usd", "0.5",
                "cairn.limits.defaults.key.requests-per-minute", "10");

        LimitException refused = catchThrowableOfType(LimitException.class, () -> limiter.admit(request(key("key_g3", "ws_g"), 1)));

        assertThat(refused.error().status()).isEqualTo(429);
        assertThat(refused.error().type()).isEqualTo("insufficient_quota");
        assertThat(refused.error().code()).isEqualTo("budget_exceeded");
        assertThat(refused.error().message()).isEqualTo("The daily budget of workspace ws_g is spent: $0.5000 of $0.5000 "
                + "this UTC day. It renews in 9h0m0s.");
        assertThat(refused.headers()).containsEntry("x-ratelimit-remaining-requests", "10")
                .containsEntry("Retry-After", Long.toString(9 * 3600))
                .containsEntry("retry-after-ms", Long.toString(9 * 3600 * 1000L));
        assertThat(rejections("workspace", "daily_budget")).isEqualTo(1);
        assertThat(limiter.admit(request(key("key_h", "ws_h"), 1)).headers()).as("another workspace's budget is its own")
                .containsEntry("x-ratelimit-remaining-requests", "9");
    }

    @Test
    void settlingAddsTheCostToTheBudgetsSoTheNextRequestSeesIt() {
        spent(Instant.parse("2026-11-02T12:00:00Z"), "key_i", "ws_i", 900_000_000);
        Limiter limiter = limiter("cairn.limits.keys[0].id", "key_i", "cairn.limits.keys[0].monthly-budget-usd", "1");
        Principal principal = key("key_i", "ws_i");

        Admission admission = limiter.admit(request(principal, 1));
        assertThat(admission.headers()).as("a budget alone has no rate headers").isEmpty();
        limiter.settle(admission, 200, 10, 10, 100_000_000);

        assertThatThrownBy(() -> limiter.admit(request(principal, 1)))
                .isInstanceOf(LimitException.class)
                .hasMessage("The monthly budget of key key_i is spent: $1.0000 of $1.0000 this UTC month. It renews in 225h0m0s.");
        assertThat(limiter.admit(request(key("key_other", "ws_i"), 1))).as("the budget was the key's, not the workspace's")
                .isSameAs(Admission.NONE);
    }

    @Test
    void erasingASubjectDropsItsEndUserBucketsAndNoOneElses() {
        Limiter limiter = limiter("cairn.limits.defaults.user.requests-per-minute", "1");
        Principal principal = key("key_k", "ws_k");
        limiter.admit(new Limiter.Request(principal, LOCAL, "alice", () -> 0));
        limiter.admit(new Limiter.Request(principal, LOCAL, "bob", () -> 0));

        List<ErasureParticipant.Holding> held = new LimitErasure(buckets).erase(
                new ErasureParticipant.Erasure("ws_k", END_USERS.of("ws_k", "alice"), "key_admin", 7));

        assertThat(held).containsExactly(new ErasureParticipant.Holding("user_buckets", 1, "dropped in this process"));
        assertThat(limiter.admit(new Limiter.Request(principal, LOCAL, "alice", () -> 0)).headers())
                .as("alice starts again with a full bucket").containsEntry("x-ratelimit-remaining-requests", "0");
        assertThatThrownBy(() -> limiter.admit(new Limiter.Request(principal, LOCAL, "bob", () -> 0)))
                .as("bob's bucket is still spent").isInstanceOf(LimitException.class);
    }

    @Test
    void eachEndUserHasBucketsOfTheirOwnAndLongIdsAreKeptApart() {
        Limiter limiter = limiter("cairn.limits.defaults.user.requests-per-minute", "1");
        Principal principal = key("key_j", "ws_j");

        assertThat(limiter.admit(new Limiter.Request(principal, LOCAL, "alice", () -> 0)).headers())
                .containsEntry("x-ratelimit-remaining-requests", "0");
        limiter.admit(new Limiter.Request(principal, LOCAL, "bob", () -> 0));
        limiter.admit(new Limiter.Request(principal, LOCAL, null, () -> 0));
        assertThatThrownBy(() -> limiter.admit(new Limiter.Request(principal, LOCAL, "alice", () -> 0)))
                .hasMessageStartingWith("Rate limit reached for requests per minute (RPM) of user 'alice': limit 1");
        assertThat(limiter.admit(new Limiter.Request(key("key_j", "ws_other"), LOCAL, "alice", () -> 0)).headers())
                .as("an end user is counted within a workspace").containsEntry("x-ratelimit-remaining-requests", "0");

        String common = "u".repeat(150);
        limiter.admit(new Limiter.Request(principal, LOCAL, common + "-one", () -> 0));
        limiter.admit(new Limiter.Request(principal, LOCAL, common + "-two", () -> 0));
        assertThatThrownBy(() -> limiter.admit(new Limiter.Request(principal, LOCAL, common + "-one", () -> 0)))
                .hasMessageContaining("of user '" + "u".repeat(64) + "…'");
        assertThat(limiter.describe(principal, LOCAL)).as("an end user's buckets are unknown before the body is read").isEmpty();
        assertThat(rejections("user", "requests")).isEqualTo(2);
    }

    @Test
    void anAddressIsTheForwardedClientOnlyBehindATrustedProxy() {
        Limiter limiter = limiter(
                "cairn.limits.defaults.ip.requests-per-minute", "1",
                "cairn.limits.trusted-proxies[0]", "10.0.0.0/8");
        Principal principal = key("key_k", "ws_k");
        ClientPeer viaProxy = new ClientPeer("10.0.0.5", List.of("203.0.113.7"));
        ClientPeer viaTwoHops = new ClientPeer("10.1.2.3", List.of("198.51.100.9, 203.0.113.7", "10.0.0.9"));
        ClientPeer direct = new ClientPeer("192.0.2.1", List.of("203.0.113.7"));

        limiter.admit(new Limiter.Request(principal, viaProxy, null, () -> 0));
        assertThatThrownBy(() -> limiter.admit(new Limiter.Request(principal, viaTwoHops, null, () -> 0)))
                .as("the same client through other proxies")
                .hasMessageStartingWith("Rate limit reached for requests per minute (RPM) of ip 203.0.113.7:");
        limiter.admit(new Limiter.Request(principal, direct, null, () -> 0));
        assertThatThrownBy(() -> limiter.admit(new Limiter.Request(principal, direct, null, () -> 0)))
                .as("an untrusted peer's forwarded header is ignored")
                .hasMessageStartingWith("Rate limit reached for requests per minute (RPM) of ip 192.0.2.1:");
        assertThat(limiter.describe(principal, new ClientPeer("192.0.2.2", List.of())))
                .containsEntry("x-ratelimit-remaining-requests", "1");
        assertThat(limiter.describe(principal, viaProxy)).containsEntry("x-ratelimit-remaining-requests", "0");
        assertThat(rejections("ip", "requests")).isEqualTo(2);
    }
}
