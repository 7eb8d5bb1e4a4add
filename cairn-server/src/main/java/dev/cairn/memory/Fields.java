package dev.cairn.memory;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

import dev.cairn.platform.RequestException;
import tools.jackson.databind.JsonNode;

/**
 * Reads typed fields from a JSON request object, naming the field (with its path, such as
 * {@code items[3].kind}) in the 400 error when one is missing or of the wrong type.
 */
final class Fields {

    private final JsonNode object;
    private final String path;

    Fields(JsonNode object, String path) {
        if (!object.isObject()) {
            throw RequestException.invalid("invalid_type", path.isEmpty() ? null : path, (path.isEmpty() ? "The body" : "'" + path + "'")
                    + " must be a JSON object");
        }
        this.object = object;
        this.path = path;
    }

    /** The field's path in the request, as error messages name it. */
    String name(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    private JsonNode present(String field) {
        JsonNode node = object.get(field);
        return node == null || node.isNull() ? null : node;
    }

    boolean has(String field) {
        return object.has(field);
    }

    String text(String field) {
        JsonNode node = present(field);
        if (node == null) {
            return null;
        }
        if (!node.isString()) {
            throw wrongType(field, "a string");
        }
        return node.stringValue();
    }

    String requiredText(String field) {
        String value = text(field);
        if (value == null || value.isBlank()) {
            throw RequestException.invalid("missing_field", name(field), "'" + name(field) + "' is required and must not be empty");
        }
        return value;
    }

    Integer integer(String field, int min, int max) {
        JsonNode node = present(field);
        if (node == null) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < min || node.intValue() > max) {
            throw wrongType(field, "an integer from " + min + " to " + max);
        }
        return node.intValue();
    }

    Double number(String field, double min, double max) {
        JsonNode node = present(field);
        if (node == null) {
            return null;
        }
        if (!node.isNumber() || node.doubleValue() < min || node.doubleValue() > max) {
            throw wrongType(field, "a number from " + min + " to " + max);
        }
        return node.doubleValue();
    }

    Boolean bool(String field) {
        JsonNode node = present(field);
        if (node == null) {
            return null;
        }
        if (!node.isBoolean()) {
            throw wrongType(field, "true or false");
        }
        return node.booleanValue();
    }

    Instant instant(String field) {
        String value = text(field);
        return value == null ? null : instant(value, name(field));
    }

    /** A JSON object, returned as its text for storage. */
    String metadata(String field) {
        JsonNode node = present(field);
        if (node == null) {
            return null;
        }
        if (!node.isObject()) {
            throw wrongType(field, "a JSON object");
        }
        return node.toString();
    }

    JsonNode node(String field) {
        return present(field);
    }

    private RequestException wrongType(String field, String expected) {
        return RequestException.invalid("invalid_type", name(field), "'" + name(field) + "' must be " + expected);
    }

    /** ISO-8601 with an offset ({@code 2026-11-22T10:00:00Z}) or a date ({@code 2026-11-22}, midnight UTC). */
    static Instant instant(String value, String param) {
        Instant instant;
        try {
            instant = OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException notDateTime) {
            try {
                instant = LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException notDate) {
                instant = null;
            }
        }
        // Years 0 to 9999 only: times are stored as epoch milliseconds, which year ±999999999 overflows.
        if (instant == null || instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
            throw RequestException.invalid("invalid_time", param,
                    "'" + param + "' must be an ISO-8601 time such as 2026-11-22T10:00:00Z (years 0000 to 9999), not '" + value + "'");
        }
        return instant;
    }

    private static final Instant EARLIEST = Instant.parse("0000-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");
}
