package dev.cairn.privacy;

import java.util.Set;
import java.util.TreeSet;

import tools.jackson.databind.JsonNode;

/**
 * Typed reads of the numeric fields of one JSON object, each refusal naming the field by its path
 * ({@code runs[2].steps}): strings, NaN, infinities and missing fields are 400s, not zeros.
 */
record NumberFields(JsonNode node, String path) {

    /** The object at {@code path}, which may hold only the {@code allowed} fields. */
    static NumberFields of(JsonNode node, String path, Set<String> allowed) {
        if (node == null || !node.isObject()) {
            throw PrivacyException.invalid("invalid_type", path.isEmpty() ? null : path, "Expected a JSON object"
                    + (path.isEmpty() ? "" : " at '" + path + "'"));
        }
        NumberFields fields = new NumberFields(node, path);
        for (String name : node.propertyNames()) {
            if (!allowed.contains(name)) {
                throw PrivacyException.invalid("unknown_parameter", fields.at(name),
                        "Unknown field '" + name + "'; the fields are " + new TreeSet<>(allowed));
            }
        }
        return fields;
    }

    String at(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    JsonNode required(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw PrivacyException.invalid("missing_required_parameter", at(field), "'" + at(field) + "' is required");
        }
        return value;
    }

    /** A finite JSON number. */
    double number(String field) {
        JsonNode value = required(field);
        if (!value.isNumber()) {
            throw PrivacyException.invalid("invalid_type", at(field), "'" + at(field) + "' must be a JSON number");
        }
        double number = value.doubleValue();
        if (!Double.isFinite(number)) {
            throw PrivacyException.invalidValue(at(field), "'" + at(field) + "' must be a finite number");
        }
        return number;
    }

    /** A JSON integer that fits in a long. */
    long integer(String field) {
        JsonNode value = required(field);
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw PrivacyException.invalid("invalid_type", at(field), "'" + at(field) + "' must be an integer");
        }
        return value.longValue();
    }
}
