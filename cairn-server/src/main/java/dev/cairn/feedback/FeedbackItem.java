package dev.cairn.feedback;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import tools.jackson.databind.JsonNode;

/**
 * One piece of feedback as a client sent it, its fields checked for type but not yet against the
 * log. Which kind it is follows from its fields: {@code metric}, {@code comment},
 * {@code demonstration}, or the {@code chosen_…}/{@code rejected_…} pair of a preference.
 *
 * @param param where it was in the body ({@code feedback[2]}), or "" for a single item
 * @param requestId the request it is about; for a preference between two requests, the chosen one
 * @param text what is sealed: the comment, the demonstration, or the preference's rationale; may be null
 */
record FeedbackItem(String param, Kind kind, String requestId, String rejectedRequestId, Integer chosenChoice,
                    Integer rejectedChoice, String metric, JsonNode value, JsonNode text, String endUser) {

    enum Kind {
        METRIC, COMMENT, DEMONSTRATION, PREFERENCE;

        String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    static final int MAX_ID_CHARS = 200;
    static final int MAX_END_USER_CHARS = 256;

    private static final Set<String> COMMON = Set.of("end_user");
    private static final Map<Kind, Set<String>> FIELDS = Map.of(
            Kind.METRIC, Set.of("request_id", "metric", "value"),
            Kind.COMMENT, Set.of("request_id", "comment"),
            Kind.DEMONSTRATION, Set.of("request_id", "demonstration"),
            Kind.PREFERENCE, Set.of("request_id", "chosen_request_id", "rejected_request_id", "chosen_choice",
                    "rejected_choice", "rationale"));

    String at(String field) {
        return param.isEmpty() ? field : param + "." + field;
    }

    boolean betweenRequests() {
        return rejectedRequestId != null;
    }

    /** Reads one item; every flaw is a 400 naming the field. */
    static FeedbackItem read(JsonNode node, String param) {
        if (!node.isObject()) {
            throw FeedbackException.invalid("invalid_type", param.isEmpty() ? null : param,
                    "Each feedback item must be a JSON object");
        }
        Fields fields = new Fields(node, param);
        Kind kind = kindOf(node, fields);
        List<String> unknown = new ArrayList<>();
        for (String name : node.propertyNames()) {
            if (!COMMON.contains(name) && !FIELDS.get(kind).contains(name)) {
                unknown.add(name);
            }
        }
        if (!unknown.isEmpty()) {
            throw FeedbackException.invalid("unknown_parameter", fields.at(unknown.getFirst()),
                    "Unknown field '" + unknown.getFirst() + "' for " + kind.wire() + " feedback; it takes "
                            + FIELDS.get(kind).stream().sorted().toList() + " and end_user");
        }
        String endUser = fields.text("end_user", MAX_END_USER_CHARS, false);
        return switch (kind) {
            case METRIC -> {
                JsonNode value = node.get("value");
                if (value == null || value.isNull()) {
                    throw FeedbackException.invalid("missing_required_parameter", fields.at("value"), "'value' is required with 'metric'");
                }
                yield new FeedbackItem(param, kind, fields.text("request_id", MAX_ID_CHARS, true), null, null, null,
                        fields.text("metric", 64, true), value, null, endUser);
            }
            case COMMENT -> new FeedbackItem(param, kind, fields.text("request_id", MAX_ID_CHARS, true), null, null, null,
                    null, null, fields.textNode("comment", true), endUser);
            case DEMONSTRATION -> {
                JsonNode demonstration = node.get("demonstration");
                if (!(demonstration.isString() && !demonstration.asString().isBlank()) && !demonstration.isObject()) {
                    throw FeedbackException.invalid("invalid_type", fields.at("demonstration"),
                            "'demonstration' must be the corrected answer: a non-empty string or a message object");
                }
                yield new FeedbackItem(param, kind, fields.text("request_id", MAX_ID_CHARS, true), null, null, null,
                        null, null, demonstration, endUser);
            }
            case PREFERENCE -> preference(node, fields, param, endUser);
        };
    }

    private static Kind kindOf(JsonNode node, Fields fields) {
        List<Kind> kinds = new ArrayList<>();
        if (node.has("metric")) {
            kinds.add(Kind.METRIC);
        }
        if (node.has("comment")) {
            kinds.add(Kind.COMMENT);
        }
        if (node.has("demonstration")) {
            kinds.add(Kind.DEMONSTRATION);
        }
        if (node.has("chosen_request_id") || node.has("rejected_request_id") || node.has("chosen_choice")
                || node.has("rejected_choice")) {
            kinds.add(Kind.PREFERENCE);
        }
        if (kinds.size() != 1) {
            throw FeedbackException.invalid("invalid_feedback", fields.at(kinds.isEmpty() ? "metric" : "comment"),
                    "A feedback item has exactly one of 'metric' (with 'value'), 'comment', 'demonstration', or a "
                            + "preference ('chosen_request_id' and 'rejected_request_id', or 'request_id' with "
                            + "'chosen_choice' and 'rejected_choice')" + (kinds.isEmpty() ? "" : "; this one mixes "
                            + kinds.stream().map(Kind::wire).toList()));
        }
        return kinds.getFirst();
    }

    private static FeedbackItem preference(JsonNode node, Fields fields, String param, String endUser) {
        JsonNode rationale = node.has("rationale") && !node.get("rationale").isNull() ? fields.textNode("rationale", true) : null;
        if (node.has("chosen_request_id") || node.has("rejected_request_id")) {
            if (node.has("request_id") || node.has("chosen_choice") || node.has("rejected_choice")) {
                throw FeedbackException.invalid("invalid_feedback", fields.at("request_id"),
                        "A preference is between two requests ('chosen_request_id', 'rejected_request_id') or between "
                                + "two choices of one ('request_id', 'chosen_choice', 'rejected_choice'), not both");
            }
            String chosen = fields.text("chosen_request_id", MAX_ID_CHARS, true);
            String rejected = fields.text("rejected_request_id", MAX_ID_CHARS, true);
            if (chosen.equals(rejected)) {
                throw FeedbackException.invalid("invalid_value", fields.at("rejected_request_id"),
                        "'rejected_request_id' must differ from 'chosen_request_id'");
            }
            return new FeedbackItem(param, Kind.PREFERENCE, chosen, rejected, null, null, null, null, rationale, endUser);
        }
        String requestId = fields.text("request_id", MAX_ID_CHARS, true);
        int chosen = fields.choice("chosen_choice");
        int rejected = fields.choice("rejected_choice");
        if (chosen == rejected) {
            throw FeedbackException.invalid("invalid_value", fields.at("rejected_choice"),
                    "'rejected_choice' must differ from 'chosen_choice'");
        }
        return new FeedbackItem(param, Kind.PREFERENCE, requestId, null, chosen, rejected, null, null, rationale, endUser);
    }

    /** Typed reads of an item's fields, each refusal naming the field by its full path. */
    private record Fields(JsonNode node, String param) {

        String at(String field) {
            return param.isEmpty() ? field : param + "." + field;
        }

        String text(String field, int maxChars, boolean required) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                if (required) {
                    throw FeedbackException.invalid("missing_required_parameter", at(field), "'" + field + "' is required");
                }
                return null;
            }
            if (!value.isString() || value.asString().isBlank()) {
                throw FeedbackException.invalid("invalid_type", at(field), "'" + field + "' must be a non-empty string");
            }
            if (value.asString().length() > maxChars) {
                throw FeedbackException.invalid("invalid_value", at(field),
                        "'" + field + "' is longer than " + maxChars + " characters");
            }
            return value.asString();
        }

        JsonNode textNode(String field, boolean required) {
            text(field, Integer.MAX_VALUE, required);
            return node.get(field);
        }

        int choice(String field) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                throw FeedbackException.invalid("missing_required_parameter", at(field), "'" + field + "' is required");
            }
            if (!value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() < 0) {
                throw FeedbackException.invalid("invalid_type", at(field),
                        "'" + field + "' must be a choice's index, an integer from 0");
            }
            return value.asInt();
        }
    }
}
