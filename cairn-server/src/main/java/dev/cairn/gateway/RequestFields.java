package dev.cairn.gateway;

import dev.cairn.platform.RequestException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Checks of single request fields, each failing with a 400 that names the field. */
final class RequestFields {

    private RequestFields() {
    }

    static String requiredString(ObjectNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            throw RequestException.invalid("missing_required_parameter", field, "'" + field + "' is required");
        }
        if (!value.isString()) {
            throw wrongType(field, "a string");
        }
        if (value.stringValue().isBlank()) {
            throw RequestException.invalid("invalid_value", field, "'" + field + "' must not be empty");
        }
        return value.stringValue();
    }

    /** The field when it is a non-empty string, else null: a value Cairn reads but does not insist on. */
    static String nonEmptyString(ObjectNode body, String field) {
        JsonNode value = body.get(field);
        return value != null && value.isString() && !value.stringValue().isEmpty() ? value.stringValue() : null;
    }

    static boolean optionalBoolean(ObjectNode body, String field, boolean absent) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return absent;
        }
        if (!value.isBoolean()) {
            throw wrongType(field, "a boolean");
        }
        return value.booleanValue();
    }

    /** The field's value, null when it is absent. */
    static Integer optionalPositiveInt(ObjectNode body, String field) {
        return optionalPositiveInt(body, field, Integer.MAX_VALUE);
    }

    static Integer optionalPositiveInt(ObjectNode body, String field, int max) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw wrongType(field, "an integer");
        }
        if (value.intValue() < 1) {
            throw RequestException.invalid("invalid_value", field, "'" + field + "' must be at least 1");
        }
        if (value.intValue() > max) {
            throw RequestException.invalid("invalid_value", field, "'" + field + "' must be at most " + max);
        }
        return value.intValue();
    }

    static void optionalNumber(ObjectNode body, String field) {
        JsonNode value = body.get(field);
        if (value != null && !value.isNull() && !value.isNumber()) {
            throw wrongType(field, "a number");
        }
    }

    static RequestException wrongType(String field, String expected) {
        return RequestException.invalid("invalid_type", field, "'" + field + "' must be " + expected);
    }
}
