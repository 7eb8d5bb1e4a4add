package dev.cairn.feedback;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import dev.cairn.platform.JsonBodies;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** A metric as the admin API and the {@code feedback_metrics} table write it: snake_case JSON. */
final class MetricJson {

    private static final Set<String> FIELDS = Set.of("type", "min", "max", "categories", "level");

    private MetricJson() {
    }

    static ObjectNode write(Metric metric) {
        ObjectNode json = JsonBodies.JSON.createObjectNode();
        json.put("name", metric.name());
        json.put("type", metric.type().name().toLowerCase(Locale.ROOT));
        if (metric.min() != null) {
            json.put("min", metric.min());
        }
        if (metric.max() != null) {
            json.put("max", metric.max());
        }
        if (!metric.categories().isEmpty()) {
            ArrayNode categories = json.putArray("categories");
            metric.categories().forEach(categories::add);
        }
        json.put("level", metric.level().name().toLowerCase(Locale.ROOT));
        if (!metric.workspaces().isEmpty()) {
            ArrayNode workspaces = json.putArray("workspaces");
            metric.workspaces().forEach(workspaces::add);
        }
        return json;
    }

    /** Reads a metric's spec; each flaw is a 400 naming the field (under {@code prefix}). */
    static Metric read(String name, JsonNode spec, String prefix) {
        for (String field : spec.propertyNames()) {
            if (!FIELDS.contains(field)) {
                throw FeedbackException.invalid("unknown_parameter", prefix + field,
                        "Unknown field '" + field + "'; a metric takes " + FIELDS.stream().sorted().toList());
            }
        }
        Metric.Type type = choice(spec, "type", Metric.Type.class, prefix, true);
        Metric.Level level = choice(spec, "level", Metric.Level.class, prefix, false);
        List<String> categories = null;
        JsonNode list = spec.get("categories");
        if (list != null && !list.isNull()) {
            if (!list.isArray()) {
                throw FeedbackException.invalid("invalid_type", prefix + "categories", "'categories' must be an array of strings");
            }
            categories = new ArrayList<>();
            for (JsonNode category : list) {
                if (!category.isString()) {
                    throw FeedbackException.invalid("invalid_type", prefix + "categories", "'categories' must be an array of strings");
                }
                categories.add(category.asString());
            }
        }
        Metric metric = new Metric(name, type, number(spec, "min", prefix), number(spec, "max", prefix), categories, level, null);
        String flaw = metric.flaw();
        if (flaw != null) {
            throw FeedbackException.invalid("invalid_value", null, "Metric '" + name + "': " + flaw);
        }
        return metric;
    }

    private static Double number(JsonNode spec, String field, String prefix) {
        JsonNode value = spec.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber()) {
            throw FeedbackException.invalid("invalid_type", prefix + field, "'" + field + "' must be a number");
        }
        return value.asDouble();
    }

    private static <E extends Enum<E>> E choice(JsonNode spec, String field, Class<E> type, String prefix, boolean required) {
        JsonNode value = spec.get(field);
        List<String> names = java.util.Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).toList();
        if (value == null || value.isNull()) {
            if (required) {
                throw FeedbackException.invalid("missing_required_parameter", prefix + field, "'" + field + "' is required: one of " + names);
            }
            return null;
        }
        if (!value.isString() || !names.contains(value.asString())) {
            throw FeedbackException.invalid("invalid_value", prefix + field, "'" + field + "' must be one of " + names);
        }
        return Enum.valueOf(type, value.asString().toUpperCase(Locale.ROOT));
    }
}
