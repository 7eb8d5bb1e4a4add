package dev.cairn.feedback;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.cairn.platform.Settings;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Feedback ({@code cairn.feedback}): the metrics that {@code POST /v1/feedback} accepts values for,
 * by name; the admin API adds to them, or replaces them, per workspace.
 */
@ConfigurationProperties("cairn.feedback")
public record FeedbackProperties(Map<String, MetricSpec> metrics) {

    /** One metric as configured; {@code workspaces} limits it to those, empty means every workspace. */
    public record MetricSpec(Metric.Type type, Double min, Double max, List<String> categories, Metric.Level level,
                             List<String> workspaces) {
    }

    public FeedbackProperties {
        metrics = metrics == null ? Map.of() : new LinkedHashMap<>(metrics);
        metrics.forEach((name, spec) -> metric(name, spec));
    }

    /** The configured metrics, each checked; a flaw stops the start naming its key. */
    Map<String, Metric> configured() {
        Map<String, Metric> out = new LinkedHashMap<>();
        metrics.forEach((name, spec) -> out.put(name, metric(name, spec)));
        return out;
    }

    private static Metric metric(String name, MetricSpec spec) {
        String key = "cairn.feedback.metrics." + name;
        if (!FeedbackMetrics.NAME.matcher(name).matches()) {
            throw Settings.invalid(key, "is not a metric name: " + FeedbackMetrics.NAME_RULE);
        }
        if (spec == null || spec.type() == null) {
            throw Settings.invalid(key + ".type", "must be boolean, float or categorical");
        }
        Metric metric = new Metric(name, spec.type(), spec.min(), spec.max(), spec.categories(), spec.level(),
                spec.workspaces());
        String flaw = metric.flaw();
        if (flaw != null) {
            throw Settings.invalid(key, flaw);
        }
        return metric;
    }
}
