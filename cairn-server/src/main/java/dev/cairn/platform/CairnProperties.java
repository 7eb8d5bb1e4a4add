package dev.cairn.platform;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.bind.Name;
import org.springframework.util.unit.DataSize;

/**
 * Every {@code cairn.*} setting, bound once at start. Each key can also come from a {@code CAIRN_*}
 * environment variable (Spring's relaxed binding); docs/configuration.md lists them all.
 */
@ConfigurationProperties("cairn")
public record CairnProperties(
        @DefaultValue("8080") int port,
        @DefaultValue("./data") Path dataDir,
        @DefaultValue Db db,
        @DefaultValue Gateway gateway,
        Map<String, Provider> providers,
        Map<String, String> aliases,
        List<Price> pricing,
        String bootstrapAdminKey,
        @DefaultValue Logging logging,
        @DefaultValue Metrics metrics,
        @DefaultValue Audit audit,
        @DefaultValue Jobs jobs,
        @DefaultValue Memory memory,
        @DefaultValue Redis redis,
        @DefaultValue Guard guard,
        @DefaultValue Limits limits) {

    public CairnProperties {
        providers = providers == null ? Map.of() : Map.copyOf(providers);
        aliases = aliases == null ? Map.of() : Map.copyOf(aliases);
        pricing = pricing == null ? List.of() : List.copyOf(pricing);
    }

    /** Where the data lives: a JDBC URL; empty means SQLite at {@code <data-dir>/cairn.db}. */
    public record Db(String url, String username, String password, @DefaultValue("16") int poolSize,
                     @DefaultValue("FULL") String sqliteSynchronous) {
    }

    /** Limits the gateway applies to every request. */
    public record Gateway(@DefaultValue("4MB") DataSize maxBodySize,
                          @DefaultValue("4096") int anthropicDefaultMaxTokens) {
    }

    /**
     * One upstream. {@code type} is {@code openai} (any OpenAI-compatible base URL) or
     * {@code anthropic} (the Messages API); models listed here are advertised in /v1/models, but any
     * {@code <provider>/<model>} name routes to this provider.
     */
    public record Provider(String type,
                           String baseUrl,
                           String apiKey,
                           @DefaultValue("5s") Duration connectTimeout,
                           @DefaultValue("300s") Duration readTimeout,
                           List<String> models,
                           Map<String, String> headers) {
        public Provider {
            models = models == null ? List.of() : List.copyOf(models);
            headers = headers == null ? Map.of() : Map.copyOf(headers);
        }
    }

    /**
     * US dollars per million tokens for one model: the name a client sends (an alias) or the
     * {@code <provider>/<model>} it routes to. A list, not a map, because YAML map keys lose their
     * slashes in Spring's binding.
     */
    public record Price(String model, double input, double output) {
    }

    /**
     * Whether each finished request gets one JSON log line. Off by default: the usage ledger
     * already keeps every gateway request with its trace id, and a log line per request costs a
     * noticeable share of the gateway's CPU at thousands of requests per second.
     */
    public record Logging(@DefaultValue("false") boolean accessLog) {
    }

    /**
     * The audit log. {@code durability: sync} (the default) holds each response until its entry is
     * committed; {@code async} answers first and commits within milliseconds, so a crash can lose
     * the last entries. Keys come from configuration or from files under {@code <data-dir>/audit},
     * created with mode 0600 at first start when not configured.
     */
    public record Audit(@DefaultValue("true") boolean enabled,
                        @DefaultValue("sync") Durability durability,
                        String origin,
                        String signingKey,
                        Path signingKeyFile,
                        String masterKey,
                        Path masterKeyFile,
                        @DefaultValue("1s") Duration checkpointInterval,
                        @DefaultValue("auditor") ReadAccess readAccess,
                        @DefaultValue("4096") int maxBatch,
                        @DefaultValue Retention retention) {

        public enum Durability { SYNC, ASYNC }

        /** Who may read /log/ (tiles, entry bundles, checkpoints): auditor and admin keys, any key, or anyone. */
        public enum ReadAccess { AUDITOR, ANY_KEY, PUBLIC }

        /**
         * How long entries stay in the database. Older entries move, a whole entry bundle at a
         * time, to {@code archive-dir}; their hashes stay, so every proof keeps working. The EU AI
         * Act asks for at least six months, so a hot period under 183 days is refused unless forced.
         */
        public record Retention(@DefaultValue("400d") Duration hotPeriod,
                                @DefaultValue("false") boolean force,
                                Path archiveDir,
                                @DefaultValue("1h") Duration interval) {
        }
    }

    /** Whether /metrics may be scraped without an admin key ({@code cairn.metrics.public}). */
    public record Metrics(@Name("public") @DefaultValue("false") boolean isPublic) {
    }

    /**
     * The background job queue: {@code workers} threads per process (0: this process only enqueues)
     * claim due jobs. A failed job runs again after {@code backoff}, doubled at each failure up to
     * {@code max-backoff}, until it has run {@code max-attempts} times. A claim holds a job for
     * {@code lease}, renewed while it runs, so a job of a process that died is claimed again once its
     * lease has expired. At shutdown running jobs get {@code shutdown-timeout} to finish.
     */
    public record Jobs(@DefaultValue("1") int workers,
                       @DefaultValue("250ms") Duration pollInterval,
                       @DefaultValue("1s") Duration backoff,
                       @DefaultValue("5m") Duration maxBackoff,
                       @DefaultValue("8") int maxAttempts,
                       @DefaultValue("5m") Duration lease,
                       @DefaultValue("15s") Duration shutdownTimeout) {
    }

    /**
     * Context memory: items are embedded in the background by {@code embedding} and found again
     * by hybrid recall; chat completions that name a thread store their turns and, with recall on,
     * get the best memories injected within {@code recall.token-budget}.
     */
    public record Memory(@DefaultValue("true") boolean enabled,
                         @DefaultValue Embedding embedding,
                         @DefaultValue Recall recall,
                         @DefaultValue Extraction extraction,
                         @DefaultValue("8192") int defaultContextWindow,
                         Map<String, Integer> contextWindows) {

        public Memory {
            contextWindows = contextWindows == null ? Map.of() : Map.copyOf(contextWindows);
        }

        /**
         * The embedding model: {@code local} runs all-MiniLM-L6-v2 in process (bundled, offline);
         * {@code remote} calls an OpenAI-compatible {@code /embeddings} endpoint at {@code base-url}.
         * {@code threads} is how many cores one local embedding call may use.
         */
        public record Embedding(@DefaultValue("local") String provider,
                                String model,
                                String baseUrl,
                                String apiKey,
                                @DefaultValue("32") int batchSize,
                                @DefaultValue("10000") int queryCacheSize,
                                @DefaultValue("1") int threads) {
        }

        /**
         * How recall ranks: full-text and vector candidates fused ({@code fusion}: their scores
         * normalised and weighted, or reciprocal rank), plus neighbour, recency and salience
         * boosts, optionally diversified by MMR ({@code mmr-lambda} below 1).
         */
        public record Recall(@DefaultValue("1024") int tokenBudget,
                             @DefaultValue("20") int topK,
                             @DefaultValue("100") int candidates,
                             @DefaultValue("score") Fusion fusion,
                             @DefaultValue("0.6") double textWeight,
                             @DefaultValue("2") int rrfK,
                             @DefaultValue("0.0") double recencyWeight,
                             @DefaultValue("30d") Duration recencyHalfLife,
                             @DefaultValue("0.0") double salienceWeight,
                             @DefaultValue("0.3") double neighbourWeight,
                             @DefaultValue("1.0") double mmrLambda,
                             @DefaultValue("8") int recentTurns) {
        }

        /** How recall merges its full-text and vector lists. */
        public enum Fusion { SCORE, RRF }

        /** Fact extraction from new turns by {@code model} (a routed model name); off when empty. */
        public record Extraction(String model) {
        }
    }

    /** A shared Redis ({@code redis://host:port}) for second-level caches; none when empty. */
    public record Redis(String url, @DefaultValue("500ms") Duration timeout) {
    }

    /**
     * Guardrail policy: for each scanner ({@code injection}, {@code unicode}, {@code pii},
     * {@code secrets}) the action taken on findings scoring at least its threshold. {@code policy}
     * applies to every workspace; {@code workspaces.<name>} overrides it scanner by scanner.
     * {@code restore} puts the caller's redacted values back in answers; {@code learned-scoring}
     * adds the trained injection model to the injection rules, {@code semantic-scoring} (opt-in) its
     * second stage over sentence embeddings, run on {@code semantic-threads} threads of its own.
     */
    public record Guard(Map<String, GuardRule> policy, Map<String, Map<String, GuardRule>> workspaces,
                        @DefaultValue("false") boolean restore, @DefaultValue("true") boolean learnedScoring,
                        @DefaultValue("false") boolean semanticScoring, @DefaultValue("1") int semanticThreads) {

        public Guard {
            policy = policy == null ? Map.of() : Map.copyOf(policy);
            workspaces = workspaces == null ? Map.of() : Map.copyOf(workspaces);
        }

        /** One scanner's action ({@code allow}, {@code flag}, {@code redact}, {@code block}) and threshold (0–1). */
        public record GuardRule(String action, Double threshold) {
        }
    }

    /**
     * Rate limits and spend budgets of the model-calling routes. {@code defaults} holds the limits of
     * each dimension (every key, every workspace, every end user, every client address);
     * {@code workspaces.<name>} overrides them for one workspace and {@code keys} for single keys,
     * field by field, where 0 lifts an inherited limit. Buckets live in this process, or in Redis
     * ({@code cairn.redis.url}) so that several processes enforce one limit.
     */
    public record Limits(@DefaultValue("auto") Store store,
                         @DefaultValue("fail-open") RedisFailure onRedisFailure,
                         @DefaultValue("cairn:limits:") String redisPrefix,
                         List<String> trustedProxies,
                         @DefaultValue("5s") Duration budgetRefresh,
                         @DefaultValue Dimensions defaults,
                         Map<String, Dimensions> workspaces,
                         List<KeyLimit> keys) {

        public Limits {
            trustedProxies = trustedProxies == null ? List.of() : List.copyOf(trustedProxies);
            workspaces = workspaces == null ? Map.of() : Map.copyOf(workspaces);
            keys = keys == null ? List.of() : List.copyOf(keys);
        }

        /** Where buckets live: Redis when {@code cairn.redis.url} is set ({@code auto}), or always this process or Redis. */
        public enum Store { AUTO, LOCAL, REDIS }

        /** What happens while Redis is unreachable: this process's own buckets decide, or requests are refused (503). */
        public enum RedisFailure { FAIL_OPEN, FAIL_CLOSED }

        /** The limits of each dimension a request is counted in. */
        public record Dimensions(Limit key, Limit workspace, Limit user, Limit ip) {
        }

        /**
         * One dimension's limits; null inherits, 0 means none. Budgets (US dollars) apply to keys and
         * workspaces only.
         */
        public record Limit(Long requestsPerMinute, Long tokensPerMinute, Long requestsPerDay, Long tokensPerDay,
                            BigDecimal dailyBudgetUsd, BigDecimal monthlyBudgetUsd) {
        }

        /**
         * A key's own limits, naming the key by {@code id} or by {@code name}. A list rather than a
         * map because key names may hold characters (spaces, {@code /}) that map keys lose in
         * Spring's binding.
         */
        public record KeyLimit(String id, String name, Long requestsPerMinute, Long tokensPerMinute, Long requestsPerDay,
                               Long tokensPerDay, BigDecimal dailyBudgetUsd, BigDecimal monthlyBudgetUsd) {

            public Limit limit() {
                return new Limit(requestsPerMinute, tokensPerMinute, requestsPerDay, tokensPerDay, dailyBudgetUsd,
                        monthlyBudgetUsd);
            }
        }
    }
}
