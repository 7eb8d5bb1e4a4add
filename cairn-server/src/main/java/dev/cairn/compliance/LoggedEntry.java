package dev.cairn.compliance;

import java.time.Instant;

import tools.jackson.databind.JsonNode;

/** One audit log entry, parsed once from its canonical bytes, with its index in the log. */
public record LoggedEntry(long index, JsonNode json) {

    public String type() {
        return json.path("type").asString("");
    }

    public String workspace() {
        return json.path("workspace").asString(null);
    }

    public Instant time() {
        return Instant.parse(json.path("time").asString());
    }

    public JsonNode data() {
        return json.path("data");
    }

    /** The pseudonymous subject whose key sealed this entry's content, or null. */
    public String subject() {
        return json.path("subject").asString(null);
    }

    public boolean sealed() {
        return json.has("sealed");
    }
}
