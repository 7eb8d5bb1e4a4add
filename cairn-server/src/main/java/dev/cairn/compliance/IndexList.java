package dev.cairn.compliance;

import java.util.List;

import dev.cairn.platform.JsonBodies;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** A figure's list of log indexes: {@code total} and, up to a limit, the {@code entries} themselves. */
final class IndexList {

    private IndexList() {
    }

    static ObjectNode of(List<Long> indexes, int limit) {
        ObjectNode json = JsonBodies.JSON.createObjectNode().put("total", indexes.size());
        ArrayNode list = json.putArray("entries");
        indexes.stream().limit(limit).forEach(list::add);
        return json;
    }

    static ObjectNode of(List<Long> indexes) {
        return of(indexes, Integer.MAX_VALUE);
    }
}
