package dev.cairn.gateway.routing;

import java.util.Map;

/**
 * The model groups admins set through the API, kept in memory by whoever stores them, so that
 * routing can read them on every request. A stored group replaces the YAML group of the same name;
 * removing it brings the YAML one back.
 */
public interface StoredGroups {

    /** The groups now in force and a version that changes with every change made by any process. */
    Snapshot current();

    record Snapshot(long version, Map<String, RoutingProperties.GroupSpec> groups) {

        public static final Snapshot NONE = new Snapshot(0, Map.of());
    }
}
