package dev.cairn.compliance;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import dev.cairn.platform.JsonBodies;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * GDPR Art. 30, the records of processing, as far as the log shows them: how many data subjects
 * and of which workspaces, which categories of personal data the guard found, the recipients
 * (the providers called, with the base URLs the configuration gave them), retention, and the
 * security measures applied to each entry.
 */
final class ProcessingRecordsTally implements Tally {

    private final ConfigInForce configs = new ConfigInForce();
    private final Map<String, Set<String>> subjects = new TreeMap<>();
    private final Counts sealedByType = new Counts();
    private final Counts sealingAlgorithms = new Counts();
    private final Counts piiCategories = new Counts();
    private final Counts recipients = new Counts();
    private final Map<String, JsonNode> providerConfig = new HashMap<>();

    @Override
    public void configuration(LoggedEntry entry) {
        configs.offer(entry);
        entry.data().path("configuration").path("providers").properties()
                .forEach(p -> providerConfig.put(p.getKey(), p.getValue()));
    }

    @Override
    public void accept(LoggedEntry entry) {
        if (entry.sealed()) {
            sealedByType.add(entry.type());
            sealingAlgorithms.add(entry.json().path("sealed").path("alg").asString(null));
            subjects.computeIfAbsent(String.valueOf(entry.workspace()), w -> new HashSet<>()).add(entry.subject());
        }
        if (GatewayOutcome.isGateway(entry)) {
            String provider = entry.data().path("provider").asString(null);
            if (provider != null) {
                recipients.add(provider);
            }
            Set<String> categories = new HashSet<>();
            for (JsonNode verdict : entry.data().path("guard")) {
                if ("pii".equals(verdict.path("scanner").asString(""))) {
                    categories.add(verdict.path("category").asString("unknown"));
                }
            }
            categories.forEach(piiCategories::add);
        }
    }

    @Override
    public List<Figure> figures(ScanRange range) {
        long first = range.first();
        long last = range.last();
        ObjectNode dataSubjects = JsonBodies.JSON.createObjectNode();
        ObjectNode byWorkspace = dataSubjects.putObject("by_workspace");
        subjects.forEach((workspace, ids) -> byWorkspace.put(workspace, ids.size()));
        dataSubjects.put("distinct", subjects.values().stream().mapToInt(Set::size).sum());
        ObjectNode personal = JsonBodies.JSON.createObjectNode();
        personal.put("sealed_entries", sealedByType.total());
        personal.set("sealed_by_type", sealedByType.toJson());
        personal.set("pii_found_by_category", piiCategories.toJson());
        ArrayNode called = JsonBodies.JSON.createArrayNode();
        recipients.toJson().properties().forEach(p -> {
            JsonNode configured = providerConfig.get(p.getKey());
            ObjectNode row = called.addObject().put("provider", p.getKey()).put("requests", p.getValue().asLong());
            row.put("type", configured == null ? (p.getKey().equals("cairn") ? "built-in" : null)
                    : configured.path("type").asString(null));
            row.put("base_url", configured == null ? null : configured.path("base_url").asString(null));
        });
        ObjectNode security = JsonBodies.JSON.createObjectNode();
        security.set("sealing_algorithms", sealingAlgorithms.toJson());
        JsonNode audit = configs.latest().path("audit");
        security.put("durability", audit.path("durability").asString(null));
        security.put("checkpoint_interval", audit.path("checkpoint_interval").asString(null));
        security.put("log_read_access", audit.path("read_access").asString(null));
        security.put("tree_hash", "RFC 9162 SHA-256");
        security.put("checkpoint_signature", "Ed25519 (C2SP signed note)");
        ObjectNode retention = JsonBodies.JSON.createObjectNode();
        retention.set("in_force", audit.path("retention").isObject() ? audit.path("retention") : null);
        List<Long> configIndexes = configs.indexes();
        return List.of(
                Figure.ofRange("art30.data_subjects", "Data subjects (distinct pseudonyms) by workspace", dataSubjects, first, last),
                Figure.ofRange("art30.personal_data", "Categories of personal data: sealed content, and PII the guard found",
                        personal, first, last),
                withConfigs(Figure.ofRange("art30.recipients", "Recipients: providers called, with their base URLs",
                        called, first, last), configIndexes),
                Figure.ofEntries("art30.retention", "Retention of the records", retention, configIndexes),
                withConfigs(Figure.ofRange("art30.security", "Security measures recorded with each entry",
                        security, first, last), configIndexes));
    }

    private static Figure withConfigs(Figure figure, List<Long> configIndexes) {
        ArrayNode entries = figure.evidence().putArray("entries");
        configIndexes.forEach(entries::add);
        return figure;
    }
}
