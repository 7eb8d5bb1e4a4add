package dev.cairn.compliance;

import java.util.List;

import dev.cairn.platform.JsonBodies;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** A figure's list of log indexes: {@code total} and, up to a limit, the {@code entries} themselves. */
final class IndexList {

    private IndexList() {
    }

    /** The first indexes, kept up to a limit, and how many there were in all. */
    static ObjectNode of(List<Long> first, long total) {
        ObjectNode json = JsonBodies.JSON.createObjectNode().put("total", total);
        ArrayNode list = json.putArray("entries");
        first.forEach(list::add);
        return json;
    }

    static ObjectNode of(List<Long> indexes) {
        return of(indexes, indexes.size());
    }
}
