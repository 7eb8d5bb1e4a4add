package dev.cairn.limits;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.cairn.usage.UsageLedger;
import dev.cairn.usage.UsageRepository;
import dev.cairn.usage.UsageRepository.Spender;
import dev.cairn.platform.CacheBytes;
import jakarta.annotation.PreDestroy;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * What keys and workspaces spent today and this month (UTC days and months), for budgets. The sums
 * come from the usage ledger, cached per key or workspace and refreshed in the background every
 * {@code cairn.limits.budget-refresh}, so admitting a request never waits for a database sum except
 * the first time a key or workspace is seen in a day. On top of a cached sum this process adds what
 * its own requests have cost since the sum was taken: its own spending counts at once, other
 * processes' within one refresh. A refresh first flushes the ledger, so a sum includes every cost
 * this process had counted before it; a cost counted between the two is counted twice until the
 * next refresh, which errs on the side of the budget.
 */
@Component
class Spending {

    /** Whose budget: a key's or a workspace's. */
    enum Owner {
        KEY("key", Spender.KEY), WORKSPACE("workspace", Spender.WORKSPACE);

        private final String wireName;
        private final Spender spender;

        Owner(String wireName, Spender spender) {
            this.wireName = wireName;
            this.spender = spender;
        }

        String wireName() {
            return wireName;
        }

        Dimension dimension() {
            return this == KEY ? Dimension.KEY : Dimension.WORKSPACE;
        }
    }

    /** A budget's period: the UTC day or the UTC month. */
    enum Period {
        DAY("daily", "day"), MONTH("monthly", "month");

        private final String adjective;
        private final String noun;

        Period(String adjective, String noun) {
            this.adjective = adjective;
            this.noun = noun;
        }

        String adjective() {
            return adjective;
        }

        String noun() {
            return noun;
        }

        /** The label in metrics: {@code daily_budget}, {@code monthly_budget}. */
        String metricName() {
            return adjective + "_budget";
        }
    }

    record Scope(Owner owner, String id) {
    }

    /** Nano-dollars spent today and this month. */
    record Spent(long day, long month) {
        long in(Period period) {
            return period == Period.DAY ? day : month;
        }
    }

    private record Window(Scope scope, LocalDate day) {
    }

    /** A database sum and this process's own costs as they stood when it was taken. */
    private record Snapshot(long day, long month, long ownBaseline) {
    }

    private final UsageRepository usage;
    private final UsageLedger ledger;
    private final Clock clock;
    private final ExecutorService refresher = Executors.newVirtualThreadPerTaskExecutor();
    private final LoadingCache<Window, Snapshot> sums;
    private final ConcurrentMap<Scope, LongAdder> ownCosts = new ConcurrentHashMap<>();

    @Autowired
    Spending(UsageRepository usage, UsageLedger ledger, LimitsProperties limits) {
        this(usage, ledger, limits.budgetRefresh(), Clock.systemUTC());
    }

    Spending(UsageRepository usage, UsageLedger ledger, Duration refresh, Clock clock) {
        if (refresh.isNegative() || refresh.isZero()) {
            throw new IllegalStateException("cairn.limits.budget-refresh must be positive, not " + refresh);
        }
        this.usage = usage;
        this.ledger = ledger;
        this.clock = clock;
        // By bytes: a scope names a key, workspace or end user, the last of any length.
        this.sums = CacheBytes.<Window, Snapshot>bounded(16 << 20,
                        (window, snapshot) -> 3 * CacheBytes.OBJECT + CacheBytes.of(window.scope().id()) + CacheBytes.OBJECT)
                .refreshAfterWrite(refresh)
                // An idle scope's sum is taken again rather than served stale and refreshed after.
                .expireAfterWrite(refresh.multipliedBy(3))
                .executor(refresher)
                .build(this::load);
    }

    Spent spent(Scope scope) {
        Snapshot snapshot = sums.get(new Window(scope, LocalDate.now(clock)));
        long since = own(scope).sum() - snapshot.ownBaseline();
        return new Spent(snapshot.day() + since, snapshot.month() + since);
    }

    /** Counts a cost of this process's at once; the ledger has it too, for the next sum. */
    void add(Scope scope, long nanoUsd) {
        own(scope).add(nanoUsd);
    }

    /** Microseconds until the current period ends and a budget of it starts afresh. */
    long untilRenewal(Period period) {
        LocalDate today = LocalDate.now(clock);
        LocalDate next = period == Period.DAY ? today.plusDays(1) : today.withDayOfMonth(1).plusMonths(1);
        Duration left = Duration.between(clock.instant(), next.atStartOfDay(ZoneOffset.UTC).toInstant());
        return TimeUnit.NANOSECONDS.toMicros(left.toNanos());
    }

    private LongAdder own(Scope scope) {
        return ownCosts.computeIfAbsent(scope, s -> new LongAdder());
    }

    private Snapshot load(Window window) {
        long baseline = own(window.scope()).sum();
        ledger.flush();
        Instant dayStart = window.day().atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant monthStart = window.day().withDayOfMonth(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        UsageRepository.Spent spent = usage.spent(window.scope().owner().spender, window.scope().id(), monthStart, dayStart);
        return new Snapshot(spent.sinceDayStart(), spent.sinceMonthStart(), baseline);
    }

    @PreDestroy
    void close() {
        refresher.shutdownNow();
    }
}
