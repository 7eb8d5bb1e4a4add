package dev.cairn.datasets;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Set;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Which of a workspace's logged chat interactions a dataset version takes; null means any.
 *
 * @param metric only interactions with feedback on this metric; with {@code min}, one whose value is
 *               at least {@code min} (a boolean counts as 0 or 1)
 * @param hasFeedback true: only interactions with some feedback; false: only those without
 */
record DatasetFilter(String model, Instant since, Instant until, String metric, Double min, Boolean hasFeedback) {

    private static final Set<String> FIELDS = Set.of("model", "since", "until", "metric", "min", "has_feedback");

    /** Reads {@code {"filter":{…}}}'s object; each refusal names the field. */
    static DatasetFilter read(JsonNode filter) {
        if (filter == null || filter.isNull()) {
            return new DatasetFilter(null, null, null, null, null, null);
        }
        if (!filter.isObject()) {
            throw DatasetException.invalid("invalid_type", "filter", "'filter' must be an object");
        }
        for (String name : filter.propertyNames()) {
            if (!FIELDS.contains(name)) {
                throw DatasetException.invalid("unknown_parameter", "filter." + name,
                        "Unknown filter field '" + name + "'; a filter takes " + String.join(", ", FIELDS.stream().sorted().toList()));
            }
        }
        String model = text(filter, "model");
        Instant since = instant(filter, "since");
        Instant until = instant(filter, "until");
        if (since != null && until != null && !since.isBefore(until)) {
            throw DatasetException.invalid("invalid_value", "filter.until", "'until' must be after 'since'");
        }
        String metric = text(filter, "metric");
        Double min = null;
        JsonNode minNode = filter.get("min");
        if (minNode != null && !minNode.isNull()) {
            if (!minNode.isNumber()) {
                throw DatasetException.invalid("invalid_type", "filter.min", "'min' must be a number");
            }
            if (metric == null) {
                throw DatasetException.invalid("missing_required_parameter", "filter.metric", "'min' needs a 'metric'");
            }
            min = minNode.asDouble();
        }
        Boolean hasFeedback = null;
        JsonNode has = filter.get("has_feedback");
        if (has != null && !has.isNull()) {
            if (!has.isBoolean()) {
                throw DatasetException.invalid("invalid_type", "filter.has_feedback", "'has_feedback' must be true or false");
            }
            hasFeedback = has.asBoolean();
        }
        if (metric != null && Boolean.FALSE.equals(hasFeedback)) {
            throw DatasetException.invalid("invalid_value", "filter.has_feedback",
                    "'has_feedback': false contradicts 'metric', which needs feedback");
        }
        return new DatasetFilter(model, since, until, metric, min, hasFeedback);
    }

    /** As recorded in the manifest: only the fields that were given. */
    ObjectNode write(ObjectNode json) {
        if (model != null) {
            json.put("model", model);
        }
        if (since != null) {
            json.put("since", since.toString());
        }
        if (until != null) {
            json.put("until", until.toString());
        }
        if (metric != null) {
            json.put("metric", metric);
        }
        if (min != null) {
            json.put("min", min);
        }
        if (hasFeedback != null) {
            json.put("has_feedback", hasFeedback);
        }
        return json;
    }

    private static String text(JsonNode filter, String field) {
        JsonNode node = filter.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isString() || node.asString().isBlank()) {
            throw DatasetException.invalid("invalid_type", "filter." + field, "'" + field + "' must be a non-empty string");
        }
        return node.asString();
    }

    private static Instant instant(JsonNode filter, String field) {
        String text = text(filter, field);
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw DatasetException.invalid("invalid_value", "filter." + field,
                    "'" + field + "' must be an ISO-8601 UTC time such as 2026-12-01T00:00:00Z");
        }
    }
}
