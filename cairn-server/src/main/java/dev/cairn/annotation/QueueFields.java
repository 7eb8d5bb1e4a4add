package dev.cairn.annotation;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;

/** The fields of a queue as the API takes them, checked the same way on create and on PATCH; each refusal names its field. */
final class QueueFields {

    static final int DEFAULT_ANNOTATORS_PER_ITEM = 1;
    static final Duration DEFAULT_LEASE = Duration.ofMinutes(10);
    private static final Pattern DURATION = Pattern.compile("([0-9]{1,6})(s|m|h)");
    private static final Duration MIN_LEASE = Duration.ofSeconds(1);
    private static final Duration MAX_LEASE = Duration.ofHours(24);
    private static final int MAX_ANNOTATORS_PER_ITEM = 100;
    private static final int MAX_NAME = 200;
    private static final int MAX_DESCRIPTION = 2_000;
    private static final int MAX_INSTRUCTIONS = 20_000;

    private QueueFields() {
    }

    static String name(JsonNode node) {
        if (node == null || !node.isString() || node.asString().isBlank() || node.asString().length() > MAX_NAME) {
            throw AnnotationErrors.invalid("name", "'name' must be a string of 1 to " + MAX_NAME + " characters");
        }
        return node.asString();
    }

    /** A description for the queue's managers; absent or null means none. */
    static String description(JsonNode node) {
        return optionalText(node, "description", MAX_DESCRIPTION);
    }

    /** What the annotators are told before they answer; absent or null means none. */
    static String instructions(JsonNode node) {
        return optionalText(node, "instructions", MAX_INSTRUCTIONS);
    }

    static int annotatorsPerItem(JsonNode node) {
        if (node == null || node.isNull()) {
            return DEFAULT_ANNOTATORS_PER_ITEM;
        }
        if (!node.isIntegralNumber() || node.asInt() < 1 || node.asInt() > MAX_ANNOTATORS_PER_ITEM) {
            throw AnnotationErrors.invalid("annotators_per_item", "'annotators_per_item' must be a whole number from 1 to "
                    + MAX_ANNOTATORS_PER_ITEM);
        }
        return node.asInt();
    }

    static Duration lease(JsonNode node) {
        if (node == null || node.isNull()) {
            return DEFAULT_LEASE;
        }
        Matcher m = node.isString() ? DURATION.matcher(node.asString()) : null;
        if (m == null || !m.matches()) {
            throw AnnotationErrors.invalid("lease", "'lease' must be a duration such as \"90s\", \"10m\" or \"1h\"");
        }
        long amount = Long.parseLong(m.group(1));
        Duration lease = switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
        };
        if (lease.compareTo(MIN_LEASE) < 0 || lease.compareTo(MAX_LEASE) > 0) {
            throw AnnotationErrors.invalid("lease", "'lease' must be from 1s to 24h");
        }
        return lease;
    }

    /** The state a PATCH may set; archiving is DELETE's, so that it cannot be done by a typo in a PATCH. */
    static AnnotationQueue.State state(JsonNode node) {
        AnnotationQueue.State state = node != null && node.isString()
                ? AnnotationQueue.State.parse(node.asString()).orElse(null) : null;
        if (state == null || state == AnnotationQueue.State.ARCHIVED) {
            throw AnnotationErrors.invalid("state", "'state' must be \"active\" or \"paused\"; a queue is archived with DELETE");
        }
        return state;
    }

    private static String optionalText(JsonNode node, String field, int max) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isString() || node.asString().length() > max) {
            throw AnnotationErrors.invalid(field, "'" + field + "' must be a string of at most " + max + " characters, or null");
        }
        return node.asString().isBlank() ? null : node.asString();
    }
}
