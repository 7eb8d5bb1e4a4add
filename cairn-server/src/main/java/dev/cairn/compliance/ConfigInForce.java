package dev.cairn.compliance;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.MissingNode;

/**
 * The configurations a period ran under, from the {@code admin.config.changed} entries: the one in
 * force when it began (read as context) and every change recorded during it.
 */
final class ConfigInForce {

    static final String TYPE = "admin.config.changed";

    private final List<Long> indexes = new ArrayList<>();
    private final List<JsonNode> configurations = new ArrayList<>();

    void offer(LoggedEntry entry) {
        if (TYPE.equals(entry.type()) && !indexes.contains(entry.index())) {
            indexes.add(entry.index());
            configurations.add(entry.data().path("configuration"));
        }
    }

    List<Long> indexes() {
        return List.copyOf(indexes);
    }

    List<JsonNode> all() {
        return List.copyOf(configurations);
    }

    /** The newest configuration seen, or a missing node when none was recorded. */
    JsonNode latest() {
        return configurations.isEmpty() ? MissingNode.getInstance() : configurations.getLast();
    }

    /** The shortest hot period any of them set, in days, or -1 when none recorded one. */
    long shortestHotPeriodDays() {
        long shortest = -1;
        for (JsonNode configuration : configurations) {
            JsonNode hot = configuration.path("audit").path("retention").path("hot_period");
            if (hot.isString()) {
                try {
                    long days = Duration.parse(hot.asString()).toDays();
                    shortest = shortest < 0 ? days : Math.min(shortest, days);
                } catch (DateTimeParseException e) {
                    // A configuration Cairn did not write: it sets no period this report can read.
                }
            }
        }
        return shortest;
    }
}
