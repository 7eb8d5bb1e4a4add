package dev.cairn.feedback;

import java.util.List;

import tools.jackson.databind.JsonNode;

/**
 * A measure that feedback may give a value for: yes/no, a number within a range, or one of a set of
 * categories; about one interaction or about the whole thread it belongs to.
 *
 * @param workspaces the workspaces it applies to; empty means all
 */
public record Metric(String name, Type type, Double min, Double max, List<String> categories, Level level,
              List<String> workspaces) {

    public enum Type { BOOLEAN, FLOAT, CATEGORICAL }

    public enum Level { INTERACTION, THREAD }

    public Metric {
        categories = categories == null ? List.of() : List.copyOf(categories);
        workspaces = workspaces == null ? List.of() : List.copyOf(workspaces);
        level = level == null ? Level.INTERACTION : level;
    }

    boolean appliesTo(String workspace) {
        return workspaces.isEmpty() || workspaces.contains(workspace);
    }

    /** Why {@code value} is not a value of this metric, or null when it is. */
    String refuse(JsonNode value) {
        return switch (type) {
            case BOOLEAN -> value.isBoolean() ? null : "must be true or false for metric '" + name + "'";
            case FLOAT -> {
                if (!value.isNumber() || !Double.isFinite(value.asDouble())) {
                    yield "must be a number for metric '" + name + "'";
                }
                double v = value.asDouble();
                yield (min != null && v < min) || (max != null && v > max)
                        ? "must be from " + bound(min) + " to " + bound(max) + " for metric '" + name + "', not " + value
                        : null;
            }
            case CATEGORICAL -> value.isString() && categories.contains(value.asString()) ? null
                    : "must be one of " + categories + " for metric '" + name + "'";
        };
    }

    private static String bound(Double bound) {
        return bound == null ? "any" : java.math.BigDecimal.valueOf(bound).stripTrailingZeros().toPlainString();
    }

    /**
     * Why this definition cannot be used, or null: a range only for floats and with min at most
     * max, categories (at least one, none repeated) only for categorical metrics.
     */
    String flaw() {
        if (type == null) {
            return "type must be boolean, float or categorical";
        }
        if (type != Type.FLOAT && (min != null || max != null)) {
            return "min and max are for float metrics only";
        }
        if (min != null && max != null && !(min <= max)) {
            return "min must not be above max";
        }
        if ((min != null && !Double.isFinite(min)) || (max != null && !Double.isFinite(max))) {
            return "min and max must be finite numbers";
        }
        if (type == Type.CATEGORICAL && (categories.isEmpty() || categories.stream().distinct().count() != categories.size()
                || categories.stream().anyMatch(c -> c == null || c.isBlank()))) {
            return "categories must list at least one category, none blank or repeated";
        }
        if (type != Type.CATEGORICAL && !categories.isEmpty()) {
            return "categories are for categorical metrics only";
        }
        return null;
    }
}
