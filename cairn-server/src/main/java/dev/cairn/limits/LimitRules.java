package dev.cairn.limits;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.github.benmanes.caffeine.cache.Cache;
import dev.cairn.access.ApiKey;
import dev.cairn.access.ApiKeyRepository;
import dev.cairn.access.Principal;
import dev.cairn.limits.LimitsProperties.Dimensions;
import dev.cairn.limits.LimitsProperties.KeyLimit;
import dev.cairn.limits.LimitsProperties.Limit;
import dev.cairn.platform.InvalidConfigurationException;
import dev.cairn.platform.Settings;
import dev.cairn.platform.CacheBytes;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The limits in force for each key, from {@code cairn.limits}: a dimension's {@code defaults},
 * overridden field by field by the key's workspace ({@code workspaces.<name>}), and for the key
 * dimension by the {@code keys} entry naming the key's name, then the one naming its id. Every
 * value is checked at start, so a negative limit or a budget on end users stops Cairn with a
 * message naming the setting rather than quietly limiting nothing. Resolved once per key.
 */
@Component
class LimitRules {

    /** One dimension's limits in force; 0 means none. Budgets in nano-dollars. */
    record Rule(long requestsPerMinute, long tokensPerMinute, long requestsPerDay, long tokensPerDay,
                long dailyBudget, long monthlyBudget) {

        static final Rule NONE = new Rule(0, 0, 0, 0, 0, 0);

        long limit(Measure measure, Window window) {
            return switch (measure) {
                case REQUESTS -> window == Window.MINUTE ? requestsPerMinute : requestsPerDay;
                case TOKENS -> window == Window.MINUTE ? tokensPerMinute : tokensPerDay;
            };
        }

        long budget(Spending.Period period) {
            return period == Spending.Period.DAY ? dailyBudget : monthlyBudget;
        }

        boolean rates() {
            return requestsPerMinute > 0 || requestsPerDay > 0 || tokens();
        }

        boolean tokens() {
            return tokensPerMinute > 0 || tokensPerDay > 0;
        }

        boolean budgets() {
            return dailyBudget > 0 || monthlyBudget > 0;
        }
    }

    /** The limits of every dimension of one key's requests. */
    record Rules(Rule key, Rule workspace, Rule user, Rule ip) {

        static final Rules NONE = new Rules(Rule.NONE, Rule.NONE, Rule.NONE, Rule.NONE);

        Rule of(Dimension dimension) {
            return switch (dimension) {
                case KEY -> key;
                case WORKSPACE -> workspace;
                case USER -> user;
                case IP -> ip;
            };
        }

        boolean any() {
            return key.rates() || key.budgets() || workspace.rates() || workspace.budgets() || user.rates() || ip.rates();
        }

        boolean tokens() {
            return key.tokens() || workspace.tokens() || user.tokens() || ip.tokens();
        }
    }

    /**
     * What one request of a key may hold, in force whether or not any rate limit is configured:
     * how many of the key's requests may be in flight at once, and how many tokens one request may
     * ask for in all ({@code n} times its answer limit); 0 means no bound.
     */
    record Bounds(long maxConcurrentRequests, long maxOutputTokens) {
    }

    /** Requests of one key in flight at once, when nothing is configured: room for an application's pool, not for a flood. */
    static final long DEFAULT_MAX_CONCURRENT_REQUESTS = 64;
    /**
     * Tokens one request may ask for in all, when nothing is configured: a single answer of the
     * longest any current model writes (128 Ki), or {@code n} shorter ones; not {@code n: 128}
     * answers of unbounded length.
     */
    static final long DEFAULT_MAX_OUTPUT_TOKENS = 131_072;

    private static final Limit EMPTY = new Limit(null, null, null, null, null, null, null, null);

    private final Dimensions defaults;
    private final Map<String, Dimensions> workspaces;
    private final Map<String, Limit> byKeyId = new HashMap<>();
    private final Map<String, Limit> byKeyName = new HashMap<>();
    private final ApiKeyRepository keys;
    private final boolean enabled;
    /** By bytes: the key names a key, workspace, end user and address, the user's of any length. */
    private final Cache<String, Rules> resolved = CacheBytes.<String, Rules>bounded(16 << 20,
            (key, rules) -> CacheBytes.of(key) + 5 * CacheBytes.OBJECT + 4 * 64).build();
    /** By bytes, as the rules above: bounds are two numbers under a key's id. */
    private final Cache<String, Bounds> resolvedBounds = CacheBytes.<String, Bounds>bounded(4 << 20,
            (key, bounds) -> CacheBytes.of(key) + 2 * CacheBytes.OBJECT).build();
    private final long defaultAnswerTokens;

    @Autowired
    LimitRules(LimitsProperties config, ApiKeyRepository keys, Environment environment) {
        this(config, keys);
        // A typo (request-per-minute) would otherwise be no limit at all.
        Settings.rejectUnknown(environment, "cairn.limits", Bindable.of(LimitsProperties.class));
    }

    LimitRules(LimitsProperties config, ApiKeyRepository keys) {
        this.keys = keys;
        this.defaultAnswerTokens = config.defaultAnswerTokens();
        this.defaults = config.defaults();
        this.workspaces = config.workspaces();
        boolean any = check(defaults, "cairn.limits.defaults");
        for (Map.Entry<String, Dimensions> workspace : workspaces.entrySet()) {
            any |= check(workspace.getValue(), "cairn.limits.workspaces." + workspace.getKey());
        }
        List<KeyLimit> keyLimits = config.keys();
        for (int i = 0; i < keyLimits.size(); i++) {
            KeyLimit entry = keyLimits.get(i);
            String where = "cairn.limits.keys[" + i + "]";
            boolean hasId = entry.id() != null && !entry.id().isBlank();
            boolean hasName = entry.name() != null && !entry.name().isBlank();
            if (hasId == hasName) {
                throw new InvalidConfigurationException(where + " must name its key by either id or name");
            }
            any |= check(entry.limit(), where, true);
            Map<String, Limit> index = hasId ? byKeyId : byKeyName;
            if (index.put(hasId ? entry.id() : entry.name(), entry.limit()) != null) {
                throw new InvalidConfigurationException(where + ": key " + (hasId ? "id '" + entry.id() : "name '" + entry.name())
                        + "' is listed twice");
            }
        }
        this.enabled = any;
    }

    /** Whether any limit or budget is configured at all; when not, requests skip the limits entirely. */
    boolean enabled() {
        return enabled;
    }

    Rules of(Principal principal) {
        if (!enabled) {
            return Rules.NONE;
        }
        return resolved.get(principal.keyId(), id -> resolve(principal));
    }

    /** The key's bounds on one request, configured or by default; resolved once per key. */
    Bounds bounds(Principal principal) {
        return resolvedBounds.get(principal.keyId(), id -> {
            Limit key = keyLimit(principal);
            return new Bounds(key.maxConcurrentRequests() == null ? DEFAULT_MAX_CONCURRENT_REQUESTS : key.maxConcurrentRequests(),
                    key.maxOutputTokens() == null ? DEFAULT_MAX_OUTPUT_TOKENS : key.maxOutputTokens());
        });
    }

    /** How long an answer that states no limit ({@code max_tokens} and the like) is counted at against {@code max-output-tokens}. */
    long defaultAnswerTokens() {
        return defaultAnswerTokens;
    }

    /** The key dimension's limits for this key: defaults, its workspace's, its name's entry, its id's entry. */
    private Limit keyLimit(Principal principal) {
        Dimensions workspace = workspaces.get(principal.workspace());
        Limit key = merge(dimension(defaults, Dimension.KEY), dimension(workspace, Dimension.KEY));
        if (!byKeyName.isEmpty()) {
            String name = keys.findById(principal.keyId()).map(ApiKey::name).orElse(null);
            key = merge(key, name == null ? null : byKeyName.get(name));
        }
        return merge(key, byKeyId.get(principal.keyId()));
    }

    private Rules resolve(Principal principal) {
        Dimensions workspace = workspaces.get(principal.workspace());
        Limit key = keyLimit(principal);
        return new Rules(rule(key),
                rule(merge(dimension(defaults, Dimension.WORKSPACE), dimension(workspace, Dimension.WORKSPACE))),
                rule(merge(dimension(defaults, Dimension.USER), dimension(workspace, Dimension.USER))),
                rule(merge(dimension(defaults, Dimension.IP), dimension(workspace, Dimension.IP))));
    }

    private static Limit dimension(Dimensions dimensions, Dimension dimension) {
        if (dimensions == null) {
            return null;
        }
        return switch (dimension) {
            case KEY -> dimensions.key();
            case WORKSPACE -> dimensions.workspace();
            case USER -> dimensions.user();
            case IP -> dimensions.ip();
        };
    }

    private static Limit merge(Limit under, Limit over) {
        if (under == null) {
            under = EMPTY;
        }
        if (over == null) {
            return under;
        }
        return new Limit(
                over.requestsPerMinute() != null ? over.requestsPerMinute() : under.requestsPerMinute(),
                over.tokensPerMinute() != null ? over.tokensPerMinute() : under.tokensPerMinute(),
                over.requestsPerDay() != null ? over.requestsPerDay() : under.requestsPerDay(),
                over.tokensPerDay() != null ? over.tokensPerDay() : under.tokensPerDay(),
                over.dailyBudgetUsd() != null ? over.dailyBudgetUsd() : under.dailyBudgetUsd(),
                over.monthlyBudgetUsd() != null ? over.monthlyBudgetUsd() : under.monthlyBudgetUsd(),
                over.maxConcurrentRequests() != null ? over.maxConcurrentRequests() : under.maxConcurrentRequests(),
                over.maxOutputTokens() != null ? over.maxOutputTokens() : under.maxOutputTokens());
    }

    private static Rule rule(Limit limit) {
        return new Rule(value(limit.requestsPerMinute()), value(limit.tokensPerMinute()), value(limit.requestsPerDay()),
                value(limit.tokensPerDay()), nanoUsd(limit.dailyBudgetUsd()), nanoUsd(limit.monthlyBudgetUsd()));
    }

    private static long value(Long value) {
        return value == null ? 0 : value;
    }

    private static long nanoUsd(BigDecimal usd) {
        return usd == null ? 0 : usd.movePointRight(9).setScale(0, RoundingMode.HALF_UP).longValueExact();
    }

    /** Checks one set of dimensions; returns whether it sets any limit. */
    private static boolean check(Dimensions dimensions, String where) {
        if (dimensions == null) {
            return false;
        }
        boolean any = check(dimensions.key(), where + ".key", true);
        any |= check(dimensions.workspace(), where + ".workspace", true);
        any |= check(dimensions.user(), where + ".user", false);
        any |= check(dimensions.ip(), where + ".ip", false);
        keyOnly(dimensions.workspace(), where + ".workspace");
        keyOnly(dimensions.user(), where + ".user");
        keyOnly(dimensions.ip(), where + ".ip");
        return any;
    }

    /** The bounds on one request are a key's; elsewhere they would be read as limiting something and limit nothing. */
    private static void keyOnly(Limit limit, String where) {
        if (limit != null && (limit.maxConcurrentRequests() != null || limit.maxOutputTokens() != null)) {
            throw new InvalidConfigurationException(where + ": max-concurrent-requests and max-output-tokens apply to keys"
                    + " only (cairn.limits.defaults.key, cairn.limits.workspaces.<name>.key, cairn.limits.keys)");
        }
    }

    private static boolean check(Limit limit, String where, boolean budgetsAllowed) {
        if (limit == null) {
            return false;
        }
        boolean any = count(limit.requestsPerMinute(), where + ".requests-per-minute");
        any |= count(limit.tokensPerMinute(), where + ".tokens-per-minute");
        any |= count(limit.requestsPerDay(), where + ".requests-per-day");
        any |= count(limit.tokensPerDay(), where + ".tokens-per-day");
        if (!budgetsAllowed && (limit.dailyBudgetUsd() != null || limit.monthlyBudgetUsd() != null)) {
            throw new InvalidConfigurationException(where + ": budgets apply to keys and workspaces only, not to end users"
                    + " or client addresses");
        }
        any |= dollars(limit.dailyBudgetUsd(), where + ".daily-budget-usd");
        any |= dollars(limit.monthlyBudgetUsd(), where + ".monthly-budget-usd");
        // Bounds, not rates: they apply with or without any rate limit, so they do not count in 'any'.
        count(limit.maxConcurrentRequests(), where + ".max-concurrent-requests");
        count(limit.maxOutputTokens(), where + ".max-output-tokens");
        return any;
    }

    private static boolean count(Long value, String where) {
        if (value == null) {
            return false;
        }
        if (value < 0) {
            throw new InvalidConfigurationException(where + " must be a count of at least 1 (or 0 for no limit), not " + value);
        }
        return value > 0;
    }

    private static boolean dollars(BigDecimal value, String where) {
        if (value == null) {
            return false;
        }
        if (value.signum() < 0) {
            throw new InvalidConfigurationException(where + " must be US dollars above 0 (or 0 for no budget), not " + value);
        }
        if (value.compareTo(BigDecimal.valueOf(9_000_000_000L)) > 0) {
            throw new InvalidConfigurationException(where + " is beyond what Cairn can count (9 billion dollars): " + value);
        }
        return value.signum() > 0;
    }
}
