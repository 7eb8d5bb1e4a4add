package dev.cairn.gateway.routing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.RequestException;
import org.springframework.boot.convert.DurationStyle;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A model group as JSON, the way the admin API reads and writes it and the database stores it: the
 * YAML keys in snake_case, durations as strings ({@code "30s"}, {@code "250ms"}), a null or missing
 * value for a setting the group leaves to {@code cairn.routing}. Reading checks shapes and types
 * only, naming the field ({@code smart.deployments[0].weight}); {@link GroupCheck} checks the rest.
 */
final class GroupJson {

    /**
     * The longest duration accepted: longer ones are mistakes, and a deadline is counted in
     * nanoseconds from {@link System#nanoTime()}, which overflows somewhere past 100 years.
     */
    static final Duration MAX_DURATION = Duration.ofDays(1);

    /** Fields that GET shows besides the group's own, accepted and ignored so that its answer can be sent back. */
    private static final List<String> DESCRIPTIVE = List.of("object", "source", "replaces_config", "updated_at", "updated_by");

    private GroupJson() {
    }

    /** The group {@code name} as {@code body} sets it. */
    static RoutingProperties.GroupSpec parse(String name, JsonNode body) {
        Strategy strategy = null;
        List<RoutingProperties.DeploymentSpec> deployments = null;
        List<String> fallbacks = null;
        List<String> contextWindowFallbacks = null;
        List<String> contentPolicyFallbacks = null;
        Integer maxAttempts = null;
        Duration deadline = null;
        for (Map.Entry<String, JsonNode> field : body.properties()) {
            String param = name + "." + field.getKey();
            JsonNode value = field.getValue();
            switch (field.getKey()) {
                case "strategy" -> strategy = strategy(value, param);
                case "deployments" -> deployments = deployments(value, param);
                case "fallbacks" -> fallbacks = names(value, param);
                case "context_window_fallbacks" -> contextWindowFallbacks = names(value, param);
                case "content_policy_fallbacks" -> contentPolicyFallbacks = names(value, param);
                case "max_attempts" -> maxAttempts = integer(value, param);
                case "deadline" -> deadline = duration(value, param);
                case "name" -> {
                    if (!value.isString() || !value.stringValue().equals(name)) {
                        throw RequestException.invalid("invalid_value", param,
                                "'name' must be left out or be the name in the path, '" + name + "'");
                    }
                }
                default -> {
                    if (!DESCRIPTIVE.contains(field.getKey())) {
                        throw RequestException.invalid("unknown_parameter", param, "Unknown field '" + field.getKey()
                                + "'; a group has strategy, deployments, fallbacks, context_window_fallbacks,"
                                + " content_policy_fallbacks, max_attempts and deadline");
                    }
                }
            }
        }
        return new RoutingProperties.GroupSpec(strategy, deployments, fallbacks, contextWindowFallbacks,
                contentPolicyFallbacks, maxAttempts, deadline);
    }

    /**
     * {@code {"object":"model.group","name","source":"config"|"admin",<its settings>,"replaces_config",
     * "updated_at","updated_by"}}: what the admin API shows of a group in force, and the audit log records.
     */
    static ObjectNode describe(ModelGroupAdmin.InForce group) {
        ObjectNode json = JsonBodies.JSON.createObjectNode();
        json.put("object", "model.group");
        json.put("name", group.name());
        json.put("source", group.stored() ? "admin" : "config");
        json.setAll(spec(group.spec()));
        json.put("replaces_config", group.replacesConfig());
        json.put("updated_at", group.updatedAt() == null ? null : group.updatedAt().toString());
        json.put("updated_by", group.updatedBy());
        return json;
    }

    /** The group's own settings, unset ones as null: what the database keeps, and the core of what the API shows. */
    static ObjectNode spec(RoutingProperties.GroupSpec spec) {
        ObjectNode json = JsonBodies.JSON.createObjectNode();
        json.put("strategy", wireName(spec.strategy()));
        ArrayNode deployments = json.putArray("deployments");
        for (RoutingProperties.DeploymentSpec d : spec.deployments()) {
            ObjectNode node = deployments.addObject();
            node.put("model", d.model());
            node.put("weight", d.weight());
            node.put("tier", d.tier());
            node.put("connect_timeout", describe(d.connectTimeout()));
            node.put("first_token_timeout", describe(d.firstTokenTimeout()));
            node.put("timeout", describe(d.timeout()));
            node.put("rpm", d.rpm());
            node.put("tpm", d.tpm());
        }
        spec.fallbacks().forEach(json.putArray("fallbacks")::add);
        spec.contextWindowFallbacks().forEach(json.putArray("context_window_fallbacks")::add);
        spec.contentPolicyFallbacks().forEach(json.putArray("content_policy_fallbacks")::add);
        json.put("max_attempts", spec.maxAttempts());
        json.put("deadline", describe(spec.deadline()));
        return json;
    }

    /** As in the YAML: {@code least-in-flight}. */
    static String wireName(Strategy strategy) {
        return strategy.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** A duration as it would be configured, which {@link #duration} reads back: {@code 30s}, {@code 250ms}. */
    static String describe(Duration value) {
        if (value == null) {
            return null;
        }
        if (value.getNano() == 0) {
            return value.getSeconds() + "s";
        }
        if (value.getNano() % 1_000_000 == 0 && value.compareTo(MAX_DURATION) <= 0) {
            return value.toMillis() + "ms";
        }
        return value.toString(); // ISO-8601, which DurationStyle reads too
    }

    private static Strategy strategy(JsonNode value, String param) {
        if (value.isNull()) {
            return null;
        }
        if (value.isString()) {
            String wanted = value.stringValue().replace('_', '-');
            for (Strategy strategy : Strategy.values()) {
                if (wireName(strategy).equals(wanted)) {
                    return strategy;
                }
            }
        }
        throw RequestException.invalid(value.isString() ? "invalid_value" : "invalid_type", param,
                "'" + param + "' must be one of weighted, least-in-flight, lowest-latency, priority");
    }

    private static List<RoutingProperties.DeploymentSpec> deployments(JsonNode value, String param) {
        if (value.isNull()) {
            return null;
        }
        if (!value.isArray()) {
            throw RequestException.invalid("invalid_type", param, "'" + param
                    + "' must be an array of deployments, e.g. [{\"model\": \"openai/gpt-4o\", \"weight\": 1}]");
        }
        List<RoutingProperties.DeploymentSpec> deployments = new ArrayList<>(value.size());
        for (int i = 0; i < value.size(); i++) {
            deployments.add(deployment(value.get(i), param + "[" + i + "]"));
        }
        return deployments;
    }

    private static RoutingProperties.DeploymentSpec deployment(JsonNode node, String param) {
        if (!node.isObject()) {
            throw RequestException.invalid("invalid_type", param, "'" + param + "' must be an object with at least a 'model'");
        }
        String model = null;
        Integer weight = null;
        Integer tier = null;
        Duration connectTimeout = null;
        Duration firstTokenTimeout = null;
        Duration timeout = null;
        Integer rpm = null;
        Long tpm = null;
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String name = param + "." + field.getKey();
            JsonNode value = field.getValue();
            switch (field.getKey()) {
                case "model" -> model = string(value, name);
                case "weight" -> weight = integer(value, name);
                case "tier" -> tier = integer(value, name);
                case "connect_timeout" -> connectTimeout = duration(value, name);
                case "first_token_timeout" -> firstTokenTimeout = duration(value, name);
                case "timeout" -> timeout = duration(value, name);
                case "rpm" -> rpm = integer(value, name);
                case "tpm" -> tpm = whole(value, name);
                default -> throw RequestException.invalid("unknown_parameter", name, "Unknown field '" + field.getKey()
                        + "'; a deployment has model, weight, tier, connect_timeout, first_token_timeout, timeout, rpm and tpm");
            }
        }
        return new RoutingProperties.DeploymentSpec(model, weight, tier, connectTimeout, firstTokenTimeout, timeout, rpm, tpm);
    }

    private static List<String> names(JsonNode value, String param) {
        if (value.isNull()) {
            return null;
        }
        if (!value.isArray()) {
            throw RequestException.invalid("invalid_type", param, "'" + param + "' must be an array of group or model names");
        }
        List<String> names = new ArrayList<>(value.size());
        for (int i = 0; i < value.size(); i++) {
            JsonNode item = value.get(i);
            if (!item.isString()) {
                throw RequestException.invalid("invalid_type", param + "[" + i + "]",
                        "'" + param + "[" + i + "]' must be a group or model name (a string)");
            }
            names.add(item.stringValue());
        }
        return names;
    }

    private static String string(JsonNode value, String param) {
        if (value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            throw RequestException.invalid("invalid_type", param, "'" + param + "' must be a string, '<provider>/<model>'");
        }
        return value.stringValue();
    }

    private static Integer integer(JsonNode value, String param) {
        Long whole = whole(value, param);
        if (whole != null && (whole < Integer.MIN_VALUE || whole > Integer.MAX_VALUE)) {
            throw RequestException.invalid("invalid_value", param, "'" + param + "' must be at most " + Integer.MAX_VALUE);
        }
        return whole == null ? null : whole.intValue();
    }

    private static Long whole(JsonNode value, String param) {
        if (value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber()) {
            throw RequestException.invalid("invalid_type", param, "'" + param + "' must be a whole number");
        }
        if (!value.canConvertToLong()) {
            throw RequestException.invalid("invalid_value", param, "'" + param + "' must be at most " + Long.MAX_VALUE);
        }
        return value.longValue();
    }

    /** A string such as {@code "30s"}, {@code "250ms"} or {@code "PT1M"}, or a whole number of milliseconds. */
    private static Duration duration(JsonNode value, String param) {
        if (value.isNull()) {
            return null;
        }
        Duration duration;
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            duration = Duration.ofMillis(value.longValue());
        } else if (value.isString()) {
            try {
                duration = DurationStyle.detectAndParse(value.stringValue());
            } catch (RuntimeException e) {
                // IllegalArgumentException for what is no duration, ArithmeticException for one too long to hold.
                throw RequestException.invalid("invalid_value", param, "'" + param
                        + "' must be a duration such as \"30s\" or \"250ms\", not \"" + value.stringValue() + "\"");
            }
        } else {
            throw RequestException.invalid(value.isIntegralNumber() ? "invalid_value" : "invalid_type", param,
                    "'" + param + "' must be a duration: a string such as \"30s\" or \"250ms\", or whole milliseconds");
        }
        if (duration.compareTo(MAX_DURATION) > 0) {
            throw RequestException.invalid("invalid_value", param, "'" + param + "' must be at most 1d, not "
                    + value.asString());
        }
        return duration;
    }
}
