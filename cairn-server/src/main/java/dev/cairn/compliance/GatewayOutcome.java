package dev.cairn.compliance;

import tools.jackson.databind.JsonNode;

/** What became of one gateway request, read from its entry: its status and the guard's actions. */
record GatewayOutcome(int status, boolean blocked, boolean flagged, boolean redacted) {

    static boolean isGateway(LoggedEntry entry) {
        return entry.type().startsWith("gateway.");
    }

    static GatewayOutcome of(LoggedEntry entry) {
        boolean blocked = false;
        boolean flagged = false;
        boolean redacted = false;
        for (JsonNode verdict : entry.data().path("guard")) {
            switch (verdict.path("action").asString("")) {
                case "block" -> blocked = true;
                case "flag" -> flagged = true;
                case "redact" -> redacted = true;
                default -> {
                }
            }
        }
        return new GatewayOutcome(entry.data().path("status").asInt(0), blocked, flagged, redacted);
    }

    /** {@code ok}, {@code blocked} (by the guard), {@code client_error} (4xx) or {@code failed} (5xx, or none). */
    String name() {
        if (blocked) {
            return "blocked";
        }
        if (status >= 200 && status < 300) {
            return "ok";
        }
        return status >= 400 && status < 500 ? "client_error" : "failed";
    }
}
