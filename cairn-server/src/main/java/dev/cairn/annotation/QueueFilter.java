package dev.cairn.annotation;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Set;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Which logged interactions of the workspace a queue asks about; null fields match anything. */
record QueueFilter(String model, Instant since, Instant until, String guardAction, String missingMetric) {

    private static final Set<String> FIELDS = Set.of("model", "since", "until", "guard_action", "missing_metric");
    private static final Set<String> GUARD_ACTIONS = Set.of("allow", "flag", "redact", "block");

    static QueueFilter read(JsonNode node) {
        if (node == null || node.isNull()) {
            return new QueueFilter(null, null, null, null, null);
        }
        if (!(node instanceof ObjectNode object)) {
            throw AnnotationErrors.invalid("filter", "'filter' must be an object");
        }
        for (String field : object.propertyNames()) {
            if (!FIELDS.contains(field)) {
                throw AnnotationErrors.invalid("filter." + field, "Unknown filter field '" + field
                        + "'; a filter has model, since, until, guard_action, missing_metric");
            }
        }
        String guardAction = text(object, "guard_action");
        if (guardAction != null && !GUARD_ACTIONS.contains(guardAction)) {
            throw AnnotationErrors.invalid("filter.guard_action", "'filter.guard_action' must be one of allow, flag, redact, block");
        }
        Instant since = time(object, "since");
        Instant until = time(object, "until");
        if (since != null && until != null && !since.isBefore(until)) {
            throw AnnotationErrors.invalid("filter.until", "'filter.until' must be after 'filter.since'");
        }
        return new QueueFilter(text(object, "model"), since, until, guardAction, text(object, "missing_metric"));
    }

    ObjectNode toJson(ObjectNode into) {
        if (model != null) {
            into.put("model", model);
        }
        if (since != null) {
            into.put("since", since.toString());
        }
        if (until != null) {
            into.put("until", until.toString());
        }
        if (guardAction != null) {
            into.put("guard_action", guardAction);
        }
        if (missingMetric != null) {
            into.put("missing_metric", missingMetric);
        }
        return into;
    }

    /** Whether a gateway entry's data (model, guard verdicts) matches; time is matched by the query. */
    boolean matches(JsonNode data) {
        if (model != null && !model.equals(data.path("model").asString(null))) {
            return false;
        }
        if (guardAction != null) {
            for (JsonNode verdict : data.path("guard")) {
                if (guardAction.equals(verdict.path("action").asString(null))) {
                    return true;
                }
            }
            return false;
        }
        return true;
    }

    private static String text(ObjectNode object, String field) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString() || value.asString().isBlank()) {
            throw AnnotationErrors.invalid("filter." + field, "'filter." + field + "' must be a non-empty string");
        }
        return value.asString();
    }

    private static Instant time(ObjectNode object, String field) {
        String text = text(object, field);
        try {
            return text == null ? null : Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw AnnotationErrors.invalid("filter." + field, "'filter." + field + "' must be an RFC 3339 time such as 2026-12-01T00:00:00Z");
        }
    }
}
