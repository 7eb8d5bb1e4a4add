package dev.cairn.guard;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.RequestException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Guard policies as the API shows them and the audit log records them, and the rules an admin sends. */
final class PolicyJson {

    private PolicyJson() {
    }

    /**
     * {@code {"object":"guard.policy","workspace","rules":{scanner:{action,threshold,source}},"overrides",
     * "updated_at","updated_by"}}; the base policy has no workspace and none of the admin fields.
     * {@code updated_by} (an admin key's id) is shown to admins only.
     */
    static ObjectNode describe(EffectivePolicy policy, boolean forAdmin) {
        ObjectNode json = JsonBodies.JSON.createObjectNode();
        json.put("object", "guard.policy");
        json.put("workspace", policy.workspace());
        json.set("rules", rules(policy));
        if (policy.workspace() != null) {
            PolicyOverrides.Workspace admin = policy.admin();
            json.set("overrides", overrides(admin));
            json.put("updated_at", admin == null ? null : admin.updatedAt().toString());
            if (forAdmin) {
                json.put("updated_by", admin == null ? null : admin.updatedBy());
            }
        }
        return json;
    }

    /** What the audit log keeps of a policy before or after a change: its rules with their sources, and the admin rules. */
    static ObjectNode audited(EffectivePolicy policy) {
        ObjectNode json = JsonBodies.JSON.createObjectNode();
        json.set("rules", rules(policy));
        json.set("overrides", overrides(policy.admin()));
        return json;
    }

    /**
     * The admin rules of a PUT body, {@code {"rules":{"injection":{"action":"flag","threshold":0.8}}}}:
     * the scanners' and {@code indirect}, for injections in tool results, documents and recalled memory.
     * Each rule needs an action, a threshold or both; a field left out keeps its configured value.
     */
    static Map<String, RuleOverride> parseRules(ObjectNode body) {
        for (String field : body.propertyNames()) {
            if (!field.equals("rules")) {
                throw RequestException.invalid("unknown_parameter", field, "Unknown field '" + field + "'; the body is {\"rules\": {...}}");
            }
        }
        JsonNode rules = body.get("rules");
        if (rules == null || !rules.isObject()) {
            throw RequestException.invalid("invalid_type", "rules",
                    "'rules' is required and must be an object of scanner rules, e.g. {\"injection\": {\"action\": \"flag\"}}");
        }
        Map<String, RuleOverride> parsed = new HashMap<>();
        for (Map.Entry<String, JsonNode> entry : rules.properties()) {
            String scanner = entry.getKey();
            String param = "rules." + scanner;
            if (!GuardPolicies.RULES.contains(scanner)) {
                throw RequestException.invalid("invalid_value", param, "No scanner named '" + scanner + "'; use "
                        + String.join(", ", GuardPolicies.RULES));
            }
            parsed.put(scanner, rule(entry.getValue(), param));
        }
        return parsed;
    }

    private static RuleOverride rule(JsonNode node, String param) {
        if (!node.isObject()) {
            throw RequestException.invalid("invalid_type", param, "'" + param + "' must be an object with 'action' and/or 'threshold'");
        }
        Action action = null;
        Double threshold = null;
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String name = param + "." + field.getKey();
            JsonNode value = field.getValue();
            switch (field.getKey()) {
                case "action" -> action = value.isNull() ? null : action(value, name);
                case "threshold" -> threshold = value.isNull() ? null : threshold(value, name);
                default -> throw RequestException.invalid("unknown_parameter", name,
                        "Unknown field '" + name + "'; a rule has 'action' and 'threshold'");
            }
        }
        if (action == null && threshold == null) {
            throw RequestException.invalid("invalid_value", param, "'" + param + "' needs an 'action', a 'threshold' or both");
        }
        return new RuleOverride(action, threshold);
    }

    private static Action action(JsonNode value, String param) {
        if (value.isString()) {
            for (Action action : Action.values()) {
                if (action.wireName().equals(value.stringValue())) {
                    return action;
                }
            }
        }
        throw RequestException.invalid(value.isString() ? "invalid_value" : "invalid_type", param,
                "'" + param + "' must be one of allow, flag, redact, block");
    }

    private static double threshold(JsonNode value, String param) {
        if (!value.isNumber()) {
            throw RequestException.invalid("invalid_type", param, "'" + param + "' must be a number from 0 to 1");
        }
        double threshold = value.isBigDecimal() ? value.decimalValue().doubleValue() : value.doubleValue();
        if (!(threshold >= 0 && threshold <= 1)) {
            throw RequestException.invalid("invalid_value", param, "'" + param + "' must be within [0, 1], not " + value);
        }
        return threshold;
    }

    private static ObjectNode rules(EffectivePolicy policy) {
        ObjectNode json = JsonBodies.JSON.createObjectNode();
        policy.rules().forEach((scanner, rule) -> json.putObject(scanner)
                .put("action", rule.rule().action().wireName())
                .put("threshold", rule.rule().threshold())
                .put("source", rule.source().wireName()));
        return json;
    }

    private static ObjectNode overrides(PolicyOverrides.Workspace admin) {
        ObjectNode json = JsonBodies.JSON.createObjectNode();
        if (admin != null) {
            new TreeMap<>(admin.rules()).forEach((scanner, rule) -> {
                ObjectNode node = json.putObject(scanner);
                if (rule.action() != null) {
                    node.put("action", rule.action().wireName());
                }
                if (rule.threshold() != null) {
                    node.put("threshold", rule.threshold());
                }
            });
        }
        return json;
    }
}
