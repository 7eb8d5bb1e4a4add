package dev.cairn.limits;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

import dev.cairn.access.Principal;
import dev.cairn.audit.MasterKey;
import dev.cairn.limits.LimitRules.Rule;
import dev.cairn.limits.LimitRules.Rules;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The rate-limit and budget step of the gateway pipeline, for the model-calling routes. A request
 * counts against its key, its workspace, its end user (the body's {@code user}) and its client
 * address, each with the limits {@link LimitRules} gives it. {@link #admit} refuses the request
 * when a budget of its key or workspace is spent, or when any of its buckets lacks room, taking
 * from all its buckets or from none; either way the answer carries the {@code x-ratelimit-*}
 * headers, which it returns ({@link Admission#headers()}, {@link LimitException#headers()}) for the
 * edge to write. Token buckets are charged the caller's estimate before the call and
 * {@link #settle} squares it with the tokens the provider reported; the cost goes to the budgets.
 */
@Component
public class Limiter {

    private static final Logger log = LoggerFactory.getLogger(Limiter.class);

    /** The model-calling routes, whose errors carry the limit headers too: chat and the APIs translated to it. */
    static final Set<String> ROUTES = Set.of("/v1/chat/completions", "/v1/embeddings", "/v1/completions", "/v1/responses",
            "/v1/messages");
    /** The status of a request whose client left before the end (nginx's "client closed request"). */
    private static final int CLIENT_GONE = 499;

    /**
     * The name an end user's buckets go by: the data subject's pseudonym ({@code sub_…}, as the
     * audit log names the subject), so that no bucket id, here or in Redis, holds the end user's own
     * id, its length is fixed, and erasing the subject finds its buckets ({@link LimitErasure}).
     */
    @FunctionalInterface
    interface EndUserIds {
        String of(String workspace, String user);
    }

    private final LimitRules rules;
    private final Buckets buckets;
    private final Spending spending;
    private final ClientAddress addresses;
    private final LimitMetrics metrics;
    private final EndUserIds endUsers;

    @Autowired
    Limiter(LimitRules rules, Buckets buckets, Spending spending, ClientAddress addresses, LimitMetrics metrics,
            MasterKey masterKey) {
        this(rules, buckets, spending, addresses, metrics, masterKey::subjectId);
    }

    Limiter(LimitRules rules, Buckets buckets, Spending spending, ClientAddress addresses, LimitMetrics metrics,
            EndUserIds endUsers) {
        this.endUsers = endUsers;
        this.rules = rules;
        this.buckets = buckets;
        this.spending = spending;
        this.addresses = addresses;
        this.metrics = metrics;
    }

    /**
     * What {@link #admit} needs to know of a request: who sends it, from where, for which end user
     * ({@code user}, null for none), and its token estimate, asked for only when a token limit applies.
     */
    public record Request(Principal principal, ClientPeer peer, String user, LongSupplier estimatedTokens) {
    }

    /**
     * Admits a validated, routed request or throws {@link LimitException} (429, or 503 when shared
     * buckets are unreachable and configured to fail closed), either way with the headers to send.
     */
    public Admission admit(Request request) {
        if (!rules.enabled()) {
            return Admission.NONE;
        }
        Principal principal = request.principal();
        Rules limits = rules.of(principal);
        if (!limits.any()) {
            return Admission.NONE;
        }
        List<Bucket> all = buckets(limits, principal, request.peer(), request.user());
        List<Spending.Scope> budgets = checkBudgets(limits, principal, all);
        long estimate = limits.tokens() ? request.estimatedTokens().getAsLong() : 0;
        List<Draw> draws = new ArrayList<>(all.size());
        List<Bucket> tokenBuckets = new ArrayList<>(2);
        for (Bucket bucket : all) {
            boolean isTokens = bucket.measure() == Measure.TOKENS;
            if (isTokens) {
                tokenBuckets.add(bucket);
                if (estimate > bucket.limit()) {
                    metrics.rejected(bucket.dimension(), Measure.TOKENS.wireName());
                    throw LimitException.tooLarge(bucket, estimate, RateLimitHeaders.of(buckets.peek(all)));
                }
            }
            draws.add(new Draw(bucket, isTokens ? estimate : 1));
        }
        if (draws.isEmpty()) {
            return new Admission(null, List.of(), 0, budgets, Map.of()); // budgets only
        }
        Buckets.Taken taken = buckets.take(draws);
        Map<String, String> headers = RateLimitHeaders.of(taken.levels());
        if (!taken.admitted()) {
            Level refusing = refusing(taken.levels());
            metrics.rejected(refusing.bucket().dimension(), refusing.bucket().measure().wireName());
            throw LimitException.rateLimited(refusing, refusing.bucket().measure() == Measure.TOKENS ? estimate : 1,
                    RateLimitHeaders.withRetryAfter(headers, refusing.waitMicros()));
        }
        return new Admission(taken.store(), List.copyOf(tokenBuckets), estimate, budgets, headers);
    }

    /**
     * Squares an admitted request with what it really used, whatever its outcome: token buckets get
     * the difference between the tokens reported and the estimate (a refund when fewer; a call that
     * failed and reported none gives the whole estimate back, while one that succeeded, or whose
     * client left before the usage arrived, keeps it), and the budgets get its cost. Never throws:
     * it runs after the answer. {@code costNanoUsd} is the request's cost as the usage ledger has it.
     */
    public void settle(Admission admission, int status, long promptTokens, long completionTokens, long costNanoUsd) {
        if (admission == null || admission == Admission.NONE) {
            return;
        }
        try {
            long used = promptTokens + completionTokens;
            if (used == 0 && (status == 200 || status == CLIENT_GONE)) {
                // No counts: the answer (or the part a departed client left running) keeps its estimate.
                used = admission.estimatedTokens;
            }
            long difference = used - admission.estimatedTokens;
            if (difference != 0 && !admission.tokenBuckets.isEmpty()) {
                buckets.use(admission.store, admission.tokenBuckets.stream().map(b -> new Draw(b, difference)).toList());
            }
            if (costNanoUsd > 0) {
                admission.budgets.forEach(scope -> spending.add(scope, costNanoUsd));
            }
        } catch (RuntimeException e) {
            log.warn("Settling the limits of a request failed; its estimate stands", e);
        }
    }

    /**
     * The headers for a request that failed before {@link #admit} (bad JSON, unknown model): the
     * levels of its key's, workspace's and address's buckets, taking nothing. Its end user is
     * unknown, since the body may not even be JSON. Empty when no limit applies.
     */
    public Map<String, String> describe(Principal principal, ClientPeer peer) {
        if (!rules.enabled()) {
            return Map.of();
        }
        List<Bucket> known = buckets(rules.of(principal), principal, peer, null);
        return known.isEmpty() ? Map.of() : RateLimitHeaders.of(buckets.peek(known));
    }

    private List<Spending.Scope> checkBudgets(Rules limits, Principal principal, List<Bucket> all) {
        if (!limits.key().budgets() && !limits.workspace().budgets()) {
            return List.of();
        }
        List<Spending.Scope> scopes = new ArrayList<>(2);
        for (Spending.Owner owner : Spending.Owner.values()) {
            Rule rule = limits.of(owner.dimension());
            if (!rule.budgets()) {
                continue;
            }
            Spending.Scope scope = new Spending.Scope(owner, owner == Spending.Owner.KEY ? principal.keyId() : principal.workspace());
            Spending.Spent spent = spending.spent(scope);
            for (Spending.Period period : Spending.Period.values()) {
                long budget = rule.budget(period);
                if (budget > 0 && spent.in(period) >= budget) {
                    long renewsIn = spending.untilRenewal(period);
                    metrics.rejected(owner.dimension(), period.metricName());
                    Map<String, String> headers = RateLimitHeaders.of(all.isEmpty() ? List.of() : buckets.peek(all));
                    throw LimitException.budgetExceeded(scope, period, spent.in(period), budget, renewsIn,
                            RateLimitHeaders.withRetryAfter(headers, renewsIn));
                }
            }
            scopes.add(scope);
        }
        return List.copyOf(scopes);
    }

    /** Every rate bucket the request counts against, in a fixed order. */
    private List<Bucket> buckets(Rules limits, Principal principal, ClientPeer peer, String user) {
        List<Bucket> all = new ArrayList<>(8);
        add(all, limits.key(), Dimension.KEY, "key:" + principal.keyId(), principal.keyId());
        String workspace = escape(principal.workspace());
        add(all, limits.workspace(), Dimension.WORKSPACE, "workspace:" + workspace, principal.workspace());
        if (user != null && limits.user().rates()) {
            add(all, limits.user(), Dimension.USER, userBuckets(principal.workspace(), endUsers.of(principal.workspace(), user)),
                    "'" + shortened(user) + "'");
        }
        if (limits.ip().rates()) {
            String address = addresses.of(peer);
            add(all, limits.ip(), Dimension.IP, "ip:" + workspace + ":" + escape(address), address);
        }
        return all;
    }

    /** What the ids of a data subject's end-user buckets in the workspace start with (then {@code :rpm}, …). */
    static String userBuckets(String workspace, String subjectId) {
        return "user:" + escape(workspace) + ":" + escape(subjectId);
    }

    /** The ids every bucket of a data subject's end user in the workspace could have, whatever the limits. */
    static List<String> userBucketIds(String workspace, String subjectId) {
        List<String> ids = new ArrayList<>();
        for (Measure measure : Measure.values()) {
            for (Window window : Window.values()) {
                ids.add(userBuckets(workspace, subjectId) + ":" + suffix(measure, window));
            }
        }
        return ids;
    }

    private static String suffix(Measure measure, Window window) {
        return window.abbreviation(measure).toLowerCase(Locale.ROOT);
    }

    private static void add(List<Bucket> all, Rule rule, Dimension dimension, String id, String subject) {
        for (Measure measure : Measure.values()) {
            for (Window window : Window.values()) {
                long limit = rule.limit(measure, window);
                if (limit > 0) {
                    all.add(new Bucket(id + ":" + suffix(measure, window), dimension, subject, measure, window, limit));
                }
            }
        }
    }

    private static Level refusing(List<Level> levels) {
        Level refusing = null;
        for (Level level : levels) {
            if (refusing == null || level.waitMicros() > refusing.waitMicros()) {
                refusing = level;
            }
        }
        return refusing;
    }

    private static String shortened(String user) {
        return user.length() <= 64 ? user : user.substring(0, 64) + "…";
    }

    /** Makes a name safe between the {@code :} separators of bucket ids. */
    private static String escape(String part) {
        return part.indexOf(':') < 0 && part.indexOf('%') < 0 ? part : part.replace("%", "%25").replace(":", "%3A");
    }
}
