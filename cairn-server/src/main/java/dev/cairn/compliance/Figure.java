package dev.cairn.compliance;

import java.util.List;

import dev.cairn.platform.JsonBodies;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One figure of a report and what it was computed from. A {@link Method#LOG} figure is a function
 * of the log entries its evidence cites, so a verifier recomputes it; an {@link Method#ATTESTED}
 * one is the operator's state when the report was made (a setting, the archive), signed with the
 * report but not provable from the log.
 */
public record Figure(String id, String label, JsonNode value, Method method, ObjectNode evidence) {

    public enum Method {
        LOG, ATTESTED;

        String wireName() {
            return this == LOG ? "log" : "attested";
        }
    }

    /** A figure computed from the entries from {@code first} to {@code last}. */
    static Figure ofRange(String id, String label, JsonNode value, long first, long last) {
        ObjectNode evidence = JsonBodies.JSON.createObjectNode();
        ArrayNode range = evidence.putArray("ranges").addArray();
        range.add(first).add(last);
        return new Figure(id, label, value, Method.LOG, evidence);
    }

    /** A figure computed from the entries named. */
    static Figure ofEntries(String id, String label, JsonNode value, List<Long> entries) {
        ObjectNode evidence = JsonBodies.JSON.createObjectNode();
        ArrayNode list = evidence.putArray("entries");
        entries.forEach(list::add);
        return new Figure(id, label, value, Method.LOG, evidence);
    }

    static Figure attested(String id, String label, JsonNode value, String note) {
        ObjectNode evidence = JsonBodies.JSON.createObjectNode();
        evidence.put("note", note);
        return new Figure(id, label, value, Method.ATTESTED, evidence);
    }

    ObjectNode toJson() {
        ObjectNode json = JsonBodies.JSON.createObjectNode();
        json.put("id", id);
        json.put("label", label);
        json.set("value", value);
        json.put("method", method.wireName());
        json.set("evidence", evidence);
        return json;
    }
}
