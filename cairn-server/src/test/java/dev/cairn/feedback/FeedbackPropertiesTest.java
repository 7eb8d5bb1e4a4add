package dev.cairn.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import dev.cairn.support.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** cairn.feedback.metrics is checked when bound, so a bad metric stops the start naming its key. */
class FeedbackPropertiesTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            cairn.feedback.metrics.m.type=percent | cairn.feedback.metrics.m.type
            cairn.feedback.metrics.m.level=session,cairn.feedback.metrics.m.type=boolean | cairn.feedback.metrics.m.level
            cairn.feedback.metrics.m.min=0 | cairn.feedback.metrics.m.type must be boolean, float or categorical
            cairn.feedback.metrics.m.type=float,cairn.feedback.metrics.m.min=2,cairn.feedback.metrics.m.max=1 | cairn.feedback.metrics.m min must not be above max
            cairn.feedback.metrics.m.type=boolean,cairn.feedback.metrics.m.max=1 | cairn.feedback.metrics.m min and max are for float metrics only
            cairn.feedback.metrics.m.type=categorical | cairn.feedback.metrics.m categories must list at least one category
            cairn.feedback.metrics.m.type=categorical,cairn.feedback.metrics.m.categories=a;a | cairn.feedback.metrics.m categories must list at least one category, none blank or repeated
            cairn.feedback.metrics.m.type=boolean,cairn.feedback.metrics.m.categories=a | cairn.feedback.metrics.m categories are for categorical metrics only
            cairn.feedback.metrics.Bad.type=boolean | is not a metric name
            """)
    void badMetricsAreRefusedNamingTheKey(String settings, String message) {
        Map<String, String> map = new java.util.LinkedHashMap<>();
        for (String pair : settings.split(",")) {
            String[] kv = pair.split("=", 2);
            map.put(kv[0], kv[1].replace(';', ','));
        }
        Settings.assertRefused("cairn.feedback", FeedbackProperties.class, map, message);
    }

    @Test
    void metricsBind() {
        FeedbackProperties feedback = Settings.bind("cairn.feedback", FeedbackProperties.class, Map.of(
                "cairn.feedback.metrics.score.type", "float", "cairn.feedback.metrics.score.min", "0",
                "cairn.feedback.metrics.score.max", "10", "cairn.feedback.metrics.resolved.type", "boolean",
                "cairn.feedback.metrics.resolved.level", "thread", "cairn.feedback.metrics.resolved.workspaces", "a,b"));
        Metric score = feedback.configured().get("score");
        assertThat(score.type()).isEqualTo(Metric.Type.FLOAT);
        assertThat(score.max()).isEqualTo(10.0);
        assertThat(score.level()).isEqualTo(Metric.Level.INTERACTION);
        Metric resolved = feedback.configured().get("resolved");
        assertThat(resolved.level()).isEqualTo(Metric.Level.THREAD);
        assertThat(resolved.appliesTo("a")).isTrue();
        assertThat(resolved.appliesTo("c")).isFalse();
        assertThat(Settings.bind("cairn.feedback", FeedbackProperties.class, Map.of()).configured()).isEmpty();
    }
}
