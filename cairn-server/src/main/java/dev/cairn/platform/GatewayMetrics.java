package dev.cairn.platform;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.stereotype.Component;

/**
 * Cairn's own Prometheus metrics: requests by route, model and status; whole-request and upstream
 * latency histograms; tokens by model; requests shed at the door by reason. Meters are looked up once per label set and then reused, so
 * recording costs a map lookup and an atomic add. Any {@code <provider>/<model>} routes, so clients
 * choose model names: past {@link #MAX_MODELS} distinct names the label becomes {@code other},
 * which keeps the number of series bounded.
 */
@Component
public class GatewayMetrics {

    private static final Duration MIN = Duration.ofMillis(1);
    private static final Duration MAX = Duration.ofMinutes(5);

    static final int MAX_MODELS = 200;
    static final String OTHER_MODEL = "other";

    private final MeterRegistry registry;
    private final Set<String> models = ConcurrentHashMap.newKeySet();
    private final ConcurrentMap<RequestKey, Counter> requests = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Timer> requestLatency = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Timer> upstreamLatency = new ConcurrentHashMap<>();
    private final ConcurrentMap<TokenKey, Counter> tokens = new ConcurrentHashMap<>();

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    private record RequestKey(String route, String model, int status) {
    }

    private record TokenKey(String model, String type) {
    }

    private record VerdictKey(String direction, String scanner, String category, String action) {
    }

    private final ConcurrentMap<VerdictKey, Counter> verdicts = new ConcurrentHashMap<>();

    /** One guard verdict: {@code cairn_guard_verdicts_total{direction,scanner,category,action}}. */
    public void guardVerdict(String direction, String scanner, String category, String action) {
        verdicts.computeIfAbsent(new VerdictKey(direction, scanner, category, action), k -> Counter.builder("cairn.guard.verdicts")
                .description("Guard findings by direction (input, output), scanner, category and the action the policy took")
                .tag("direction", k.direction()).tag("scanner", k.scanner()).tag("category", k.category()).tag("action", k.action())
                .register(registry)).increment();
    }

    private final ConcurrentMap<String, Counter> shed = new ConcurrentHashMap<>();

    /** One request refused at the door: {@code cairn_overload_shed_total{reason}}. */
    public void shed(String reason) {
        shed.computeIfAbsent(reason, r -> Counter.builder("cairn.overload.shed")
                .description("API requests refused with 503 overloaded before any work, by reason")
                .tag("reason", r).register(registry)).increment();
    }

    /** A gauge read from {@code value} at each scrape. */
    public void gauge(String name, String description, java.util.function.Supplier<Number> value) {
        io.micrometer.core.instrument.Gauge.builder(name, value).description(description).register(registry);
    }

    public void request(String route, String model, int status, long nanos) {
        requests.computeIfAbsent(new RequestKey(route, label(model), status), k -> Counter.builder("cairn.requests")
                .description("Requests by route, model and status")
                .tag("route", k.route()).tag("model", k.model()).tag("status", Integer.toString(k.status()))
                .register(registry)).increment();
        requestLatency.computeIfAbsent(route, r -> Timer.builder("cairn.request.duration")
                .description("Whole-request latency as Cairn sees it")
                .tag("route", r).publishPercentileHistogram().minimumExpectedValue(MIN).maximumExpectedValue(MAX)
                .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }

    public void upstream(String provider, long nanos) {
        upstreamLatency.computeIfAbsent(provider, p -> Timer.builder("cairn.upstream.duration")
                .description("Latency of the call to the provider")
                .tag("provider", p).publishPercentileHistogram().minimumExpectedValue(MIN).maximumExpectedValue(MAX)
                .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }

    public void tokens(String model, long prompt, long completion) {
        model = label(model);
        if (prompt > 0) {
            tokenCounter(model, "prompt").increment(prompt);
        }
        if (completion > 0) {
            tokenCounter(model, "completion").increment(completion);
        }
    }

    private String label(String model) {
        if (models.contains(model)) {
            return model;
        }
        if (models.size() >= MAX_MODELS) {
            return OTHER_MODEL;
        }
        models.add(model);
        return model;
    }

    private Counter tokenCounter(String model, String type) {
        return tokens.computeIfAbsent(new TokenKey(model, type), k -> Counter.builder("cairn.tokens")
                .description("Tokens by model and type")
                .tag("model", k.model()).tag("type", k.type()).register(registry));
    }
}
