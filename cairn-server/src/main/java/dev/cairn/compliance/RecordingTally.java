package dev.cairn.compliance;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.cairn.platform.JsonBodies;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * EU AI Act Art. 12: which events were recorded, how many of each type, for which models and
 * providers, with which outcome, day by day, and what each type of entry records.
 */
final class RecordingTally implements Tally {

    private final Counts types = new Counts();
    private final Counts models = new Counts();
    private final Counts providers = new Counts();
    private final Counts outcomes = new Counts();
    private final Map<String, Counts> traffic = new TreeMap<>();
    private final Map<String, Counts> verdicts = new TreeMap<>();

    @Override
    public void accept(LoggedEntry entry) {
        types.add(entry.type());
        if (!GatewayOutcome.isGateway(entry)) {
            return;
        }
        JsonNode data = entry.data();
        models.add(data.path("model").asString(null));
        providers.add(data.path("provider").asString(null));
        GatewayOutcome outcome = GatewayOutcome.of(entry);
        outcomes.add(outcome.name());
        String day = entry.time().toString().substring(0, 10);
        Counts today = traffic.computeIfAbsent(day, d -> new Counts());
        today.add("requests");
        today.add(outcome.name());
        if (outcome.flagged()) {
            today.add("flagged");
        }
        Counts guardToday = verdicts.computeIfAbsent(day, d -> new Counts());
        for (JsonNode verdict : data.path("guard")) {
            guardToday.add(verdict.path("action").asString(null));
        }
    }

    @Override
    public List<Figure> figures(ScanRange range) {
        long first = range.first();
        long last = range.last();
        ObjectNode described = JsonBodies.JSON.createObjectNode();
        types.toJson().properties().forEach(type -> described.put(type.getKey(), EventCatalogue.describe(type.getKey())));
        return List.of(
                Figure.ofRange("art12.entries", "Entries recorded in the period", JsonBodies.JSON.getNodeFactory()
                        .numberNode(types.total()), first, last),
                Figure.ofRange("art12.by_type", "Entries by type", types.toJson(), first, last),
                Figure.ofRange("art12.event_types", "What each type of entry records", described, first, last),
                Figure.ofRange("art12.by_model", "Gateway requests by model asked for", models.toJson(), first, last),
                Figure.ofRange("art12.by_provider", "Gateway requests by provider that answered", providers.toJson(), first, last),
                Figure.ofRange("art12.by_outcome", "Gateway requests by outcome", outcomes.toJson(), first, last),
                Figure.ofRange("art12.daily", "Gateway traffic per day",
                        daily(traffic, List.of("requests", "ok", "client_error", "failed", "blocked", "flagged")), first, last),
                Figure.ofRange("art12.guard_daily", "Guard verdicts per day, by action",
                        daily(verdicts, List.of("block", "flag", "redact")), first, last));
    }

    /** One row a day with every series, zero where nothing happened, so charts and tables line up. */
    private static ArrayNode daily(Map<String, Counts> byDay, List<String> series) {
        ArrayNode rows = JsonBodies.JSON.createArrayNode();
        byDay.forEach((day, counts) -> {
            ObjectNode row = rows.addObject().put("day", day);
            series.forEach(name -> row.put(name, counts.get(name)));
        });
        return rows;
    }
}
