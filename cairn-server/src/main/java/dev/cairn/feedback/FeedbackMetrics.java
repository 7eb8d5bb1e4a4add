package dev.cairn.feedback;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.cairn.platform.Settings;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The metrics of a workspace: those set for it through the admin API, over those configured under
 * {@code cairn.feedback.metrics}. Stored ones are read from the database on each use, so that every
 * process sees an admin's change at once.
 */
@Component
class FeedbackMetrics {

    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");
    static final String NAME_RULE = "1 to 64 of a-z, 0-9, '_', '.', '-', starting with a letter or digit";

    private final Map<String, Metric> configured;
    private final FeedbackRepository repository;

    FeedbackMetrics(FeedbackProperties properties, FeedbackRepository repository, Environment environment) {
        Settings.rejectUnknown(environment, "cairn.feedback", Bindable.of(FeedbackProperties.class));
        this.configured = properties.configured();
        this.repository = repository;
    }

    /** The metric {@code name} as it applies in {@code workspace}, if there is one. */
    Optional<Metric> find(String workspace, String name) {
        Optional<Metric> stored = repository.metric(workspace, name);
        if (stored.isPresent()) {
            return stored;
        }
        return Optional.ofNullable(configured.get(name)).filter(m -> m.appliesTo(workspace));
    }

    /** Every metric of {@code workspace}, stored ones first, then the configured ones they do not replace. */
    List<Metric> all(String workspace) {
        List<Metric> stored = repository.metrics(workspace);
        List<Metric> out = new ArrayList<>(stored);
        configured.values().stream()
                .filter(m -> m.appliesTo(workspace))
                .filter(m -> stored.stream().noneMatch(s -> s.name().equals(m.name())))
                .forEach(out::add);
        return out;
    }
}
