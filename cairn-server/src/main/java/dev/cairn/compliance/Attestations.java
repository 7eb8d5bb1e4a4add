package dev.cairn.compliance;

import java.util.ArrayList;
import java.util.List;

import dev.cairn.audit.AuditRepository;
import dev.cairn.audit.EntryStore;
import dev.cairn.audit.SealedContent;
import dev.cairn.audit.StoredEntry;
import dev.cairn.compliance.status.CheckResult;
import dev.cairn.compliance.status.ComplianceStatus;
import dev.cairn.compliance.status.RetentionCheck;
import dev.cairn.platform.JsonBodies;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * What only the server can say about a report's sections, added to their log figures as attested
 * figures: the live checks of the settings and files the articles depend on (the same ones
 * {@code /v1/compliance/status} runs), how many checkpoints were signed, whether erased content
 * still opens; and each section's status. A section whose bar the log alone decides (the log's
 * completeness) takes its status from its log figures, which a verifier recomputes.
 */
@Component
class Attestations {

    private final AuditRepository repository;
    private final EntryStore entries;
    private final SealedContent sealed;
    private final ComplianceStatus status;

    Attestations(AuditRepository repository, EntryStore entries, SealedContent sealed, ComplianceStatus status) {
        this.repository = repository;
        this.entries = entries;
        this.sealed = sealed;
        this.status = status;
    }

    List<Section> attest(ReportScope scope, ReportComputation computation) {
        List<Section> sections = new ArrayList<>();
        for (Section section : computation.sections()) {
            List<Figure> figures = new ArrayList<>(section.figures());
            String sectionStatus = switch (section.id()) {
                case "log", "art12" -> section.status();
                case "art19" -> retention(figures, computation.tally(RetentionTally.class));
                case "art17" -> erasure(figures, computation.tally(ErasureTally.class));
                default -> "info";
            };
            switch (section.id()) {
                case "log" -> figures.add(Figure.attested("log.checkpoints_signed", "Checkpoints signed in the period",
                        JsonNodeFactory.instance.numberNode(repository.countCheckpointsSigned(scope.from(), scope.to())),
                        "from the server's table of checkpoints, which keeps every one signed"));
                case "art30" -> figures.add(check("art30.keys", "Keys sealed at rest (live check keys_sealed)",
                        status.run("keys_sealed")));
                default -> {
                }
            }
            sections.add(new Section(section.id(), section.title(), section.articles(), section.summary(), sectionStatus,
                    figures, section.notes()));
        }
        return sections;
    }

    /** Passes when the live retention check does and no configuration of the period set less than six months. */
    private String retention(List<Figure> figures, RetentionTally tally) {
        CheckResult now = status.run("retention");
        figures.add(check("art19.retention_now", "Retention and the oldest entry now (live check retention)", now));
        long shortest = tally.shortestDays();
        boolean met = now.passed() && (shortest < 0 || shortest >= RetentionCheck.SIX_MONTHS.toDays());
        return met ? "pass" : "fail";
    }

    /** Tries to open every entry an erasure should have made unreadable: none may open. */
    private String erasure(List<Figure> figures, ErasureTally tally) {
        int readable = 0;
        for (long index : tally.erasedEntries()) {
            StoredEntry stored = repository.findByIndex(index).orElseThrow();
            if ("available".equals(sealed.open(stored, JsonBodies.JSON.readTree(entries.data(stored))).state())) {
                readable++;
            }
        }
        ObjectNode checked = JsonBodies.JSON.createObjectNode()
                .put("entries_checked", tally.erasedEntries().size())
                .put("still_readable", readable);
        figures.add(Figure.attested("art17.unreadable", "Erased entries whose content no key on the server opens", checked,
                "each entry's sealed content tried with the keys the server holds when the report was made"));
        return tally.lastErasureIndex() >= 0 && readable == 0 ? "pass" : "fail";
    }

    private static Figure check(String id, String label, CheckResult result) {
        ObjectNode value = JsonBodies.JSON.createObjectNode();
        value.put("status", result.status().wireName());
        value.put("reason", result.reason());
        ArrayNode articles = value.putArray("articles");
        result.articles().forEach(articles::add);
        value.set("observed", result.observed());
        return Figure.attested(id, label, value, "checked on the server when the report was made, as GET /v1/compliance/status does");
    }
}
