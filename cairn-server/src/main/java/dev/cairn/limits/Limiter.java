package dev.cairn.limits;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import dev.cairn.access.Principal;
import dev.cairn.limits.LimitRules.Rule;
import dev.cairn.limits.LimitRules.Rules;
import dev.cairn.usage.PriceTable;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The rate-limit and budget step of the gateway pipeline, for the model-calling routes. A request
 * counts against its key, its workspace, its end user (the body's {@code user}) and its client
 * address, each with the limits {@link LimitRules} gives it. {@link #admit} refuses the request
 * when a budget of its key or workspace is spent, or when any of its buckets lacks room, taking
 * from all its buckets or from none; either way the response carries the {@code x-ratelimit-*}
 * headers. Token buckets are charged an estimate before the call ({@link TokenEstimate}) and
 * {@link #settle} squares it with the tokens the provider reported; the cost goes to the budgets.
 */
@Component
public class Limiter {

    private static final Logger log = LoggerFactory.getLogger(Limiter.class);

    /** Set on a request once its headers are written, so errors raised later do not write them again. */
    static final String HEADERS_WRITTEN = Limiter.class.getName() + ".headers";
    static final Set<String> ROUTES = Set.of("/v1/chat/completions", "/v1/embeddings");
    /** The status of a request whose client left before the end (nginx's "client closed request"). */
    private static final int CLIENT_GONE = 499;
    /** Longer end-user ids are hashed into bucket names, so a client cannot blow up key sizes. */
    private static final int MAX_USER_LENGTH = 128;

    private final LimitRules rules;
    private final Buckets buckets;
    private final Spending spending;
    private final TokenEstimate tokens;
    private final ClientAddress addresses;
    private final PriceTable prices;
    private final LimitMetrics metrics;

    Limiter(LimitRules rules, Buckets buckets, Spending spending, TokenEstimate tokens, ClientAddress addresses,
            PriceTable prices, LimitMetrics metrics) {
        this.rules = rules;
        this.buckets = buckets;
        this.spending = spending;
        this.tokens = tokens;
        this.addresses = addresses;
        this.prices = prices;
        this.metrics = metrics;
    }

    /**
     * Admits a validated, routed request or throws {@link LimitException} (429, or 503 when shared
     * buckets are unreachable and configured to fail closed). {@code requestedModel} and
     * {@code pricedModel} are the names its cost is priced by once known.
     */
    public Admission admit(HttpServletRequest request, HttpServletResponse response, ObjectNode body,
                           String requestedModel, String pricedModel) {
        if (!rules.enabled()) {
            return Admission.NONE;
        }
        Principal principal = Principal.of(request);
        Rules limits = rules.of(principal);
        if (!limits.any()) {
            return Admission.NONE;
        }
        List<Bucket> all = buckets(limits, principal, request, user(body));
        List<Spending.Scope> budgets = checkBudgets(limits, principal, all, request, response);
        long estimate = limits.tokens() ? tokens.of(body) : 0;
        List<Draw> draws = new ArrayList<>(all.size());
        List<Bucket> tokenBuckets = new ArrayList<>(2);
        for (Bucket bucket : all) {
            boolean isTokens = bucket.measure() == Measure.TOKENS;
            if (isTokens) {
                tokenBuckets.add(bucket);
                if (estimate > bucket.limit()) {
                    writeHeaders(request, response, buckets.peek(all));
                    metrics.rejected(bucket.dimension(), Measure.TOKENS.wireName());
                    throw LimitException.tooLarge(bucket, estimate);
                }
            }
            draws.add(new Draw(bucket, isTokens ? estimate : 1));
        }
        if (draws.isEmpty()) {
            return new Admission(null, List.of(), 0, budgets, requestedModel, pricedModel); // budgets only
        }
        Buckets.Taken taken = buckets.take(draws);
        writeHeaders(request, response, taken.levels());
        if (!taken.admitted()) {
            Level refusing = refusing(taken.levels());
            RateLimitHeaders.retryAfter(response, refusing.waitMicros());
            metrics.rejected(refusing.bucket().dimension(), refusing.bucket().measure().wireName());
            throw LimitException.rateLimited(refusing, refusing.bucket().measure() == Measure.TOKENS ? estimate : 1);
        }
        return new Admission(taken.store(), List.copyOf(tokenBuckets), estimate, budgets, requestedModel, pricedModel);
    }

    /**
     * Squares an admitted request with what it really used, whatever its outcome: token buckets get
     * the difference between the tokens reported and the estimate (a refund when fewer; a call that
     * failed and reported none gives the whole estimate back, while one that succeeded, or whose
     * client left before the usage arrived, keeps it), and the budgets get its cost. Never throws:
     * it runs after the answer.
     */
    public void settle(Admission admission, int status, long promptTokens, long completionTokens) {
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
            if (!admission.budgets.isEmpty()) {
                long cost = prices.costNanoUsd(admission.requestedModel, admission.pricedModel, promptTokens, completionTokens);
                if (cost > 0) {
                    admission.budgets.forEach(scope -> spending.add(scope, cost));
                }
            }
        } catch (RuntimeException e) {
            log.warn("Settling the limits of a request failed; its estimate stands", e);
        }
    }

    /**
     * Writes the headers of a request that failed before {@link #admit} (bad JSON, unknown model):
     * the levels of its key's, workspace's and address's buckets, taking nothing. Its end user is
     * unknown, since the body may not even be JSON.
     */
    void describe(HttpServletRequest request, HttpServletResponse response) {
        if (!rules.enabled() || request.getAttribute(HEADERS_WRITTEN) != null || !ROUTES.contains(request.getRequestURI())
                || response.isCommitted() || !(request.getAttribute(Principal.REQUEST_ATTRIBUTE) instanceof Principal principal)) {
            return;
        }
        List<Bucket> known = buckets(rules.of(principal), principal, request, null);
        if (!known.isEmpty()) {
            writeHeaders(request, response, buckets.peek(known));
        }
    }

    private List<Spending.Scope> checkBudgets(Rules limits, Principal principal, List<Bucket> all,
                                              HttpServletRequest request, HttpServletResponse response) {
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
                    writeHeaders(request, response, all.isEmpty() ? List.of() : buckets.peek(all));
                    RateLimitHeaders.retryAfter(response, renewsIn);
                    metrics.rejected(owner.dimension(), period.metricName());
                    throw LimitException.budgetExceeded(scope, period, spent.in(period), budget, renewsIn);
                }
            }
            scopes.add(scope);
        }
        return List.copyOf(scopes);
    }

    /** Every rate bucket the request counts against, in a fixed order. */
    private List<Bucket> buckets(Rules limits, Principal principal, HttpServletRequest request, String user) {
        List<Bucket> all = new ArrayList<>(8);
        add(all, limits.key(), Dimension.KEY, "key:" + principal.keyId(), principal.keyId());
        String workspace = escape(principal.workspace());
        add(all, limits.workspace(), Dimension.WORKSPACE, "workspace:" + workspace, principal.workspace());
        if (user != null && limits.user().rates()) {
            add(all, limits.user(), Dimension.USER, "user:" + workspace + ":" + escape(userKey(user)), "'" + shortened(user) + "'");
        }
        if (limits.ip().rates()) {
            String address = addresses.of(request);
            add(all, limits.ip(), Dimension.IP, "ip:" + workspace + ":" + escape(address), address);
        }
        return all;
    }

    private static void add(List<Bucket> all, Rule rule, Dimension dimension, String id, String subject) {
        for (Measure measure : Measure.values()) {
            for (Window window : Window.values()) {
                long limit = rule.limit(measure, window);
                if (limit > 0) {
                    String suffix = window.abbreviation(measure).toLowerCase(Locale.ROOT);
                    all.add(new Bucket(id + ":" + suffix, dimension, subject, measure, window, limit));
                }
            }
        }
    }

    private static void writeHeaders(HttpServletRequest request, HttpServletResponse response, List<Level> levels) {
        RateLimitHeaders.set(response, levels);
        request.setAttribute(HEADERS_WRITTEN, Boolean.TRUE);
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

    private static String user(ObjectNode body) {
        JsonNode user = body.get("user");
        return user != null && user.isString() && !user.stringValue().isEmpty() ? user.stringValue() : null;
    }

    private static String userKey(String user) {
        if (user.length() <= MAX_USER_LENGTH) {
            return user;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(user.getBytes(StandardCharsets.UTF_8));
            return "sha256-" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String shortened(String user) {
        return user.length() <= 64 ? user : user.substring(0, 64) + "…";
    }

    /** Makes a name safe between the {@code :} separators of bucket ids. */
    private static String escape(String part) {
        return part.indexOf(':') < 0 && part.indexOf('%') < 0 ? part : part.replace("%", "%25").replace(":", "%3A");
    }
}
