package dev.cairn.compliance;

import java.util.List;

import dev.cairn.platform.JsonBodies;
import tools.jackson.databind.node.ObjectNode;

/**
 * EU AI Act Art. 19 and 26(6): logs kept at least six months. From the log: the retention each
 * recorded configuration set, and the oldest entry. What is kept now (the setting in force, the
 * archive) is the operator's state, which the report adds as attested figures.
 */
final class RetentionTally implements Tally {

    private final ConfigInForce configs = new ConfigInForce();
    private LoggedEntry oldest;

    @Override
    public void oldest(LoggedEntry entry) {
        oldest = entry;
    }

    @Override
    public void configuration(LoggedEntry entry) {
        configs.offer(entry);
    }

    @Override
    public void accept(LoggedEntry entry) {
    }

    long shortestDays() {
        return configs.shortestHotPeriodDays();
    }

    @Override
    public List<Figure> figures(ScanRange range) {
        ObjectNode setting = JsonBodies.JSON.createObjectNode();
        setting.set("in_force", configs.latest().path("audit").path("retention").isObject()
                ? configs.latest().path("audit").path("retention") : null);
        long shortest = configs.shortestHotPeriodDays();
        if (shortest < 0) {
            setting.putNull("shortest_hot_period_days");
        } else {
            setting.put("shortest_hot_period_days", shortest);
        }
        setting.put("configurations", configs.indexes().size());
        ObjectNode first = JsonBodies.JSON.createObjectNode();
        if (oldest != null) {
            first.put("index", oldest.index()).put("time", oldest.json().path("time").asString());
        }
        return List.of(
                Figure.ofEntries("art19.retention_setting", "Retention set by the configurations of the period",
                        setting, configs.indexes()),
                Figure.ofEntries("art19.oldest_entry", "Oldest entry of the log", first,
                        oldest == null ? List.of() : List.of(oldest.index())));
    }
}
