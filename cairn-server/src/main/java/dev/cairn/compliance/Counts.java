package dev.cairn.compliance;

import java.util.Map;
import java.util.TreeMap;

import dev.cairn.platform.JsonBodies;
import tools.jackson.databind.node.ObjectNode;

/** Counts by name, written in name order so that a recomputed figure compares byte for byte. */
final class Counts {

    private final Map<String, Long> counts = new TreeMap<>();

    void add(String name) {
        add(name, 1);
    }

    void add(String name, long n) {
        counts.merge(name == null ? "none" : name, n, Long::sum);
    }

    long get(String name) {
        return counts.getOrDefault(name, 0L);
    }

    long total() {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    ObjectNode toJson() {
        ObjectNode json = JsonBodies.JSON.createObjectNode();
        counts.forEach(json::put);
        return json;
    }
}
