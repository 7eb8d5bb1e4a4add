package dev.cairn.compliance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.cairn.audit.AuditArchive;
import dev.cairn.audit.AuditProperties;
import dev.cairn.audit.AuditRepository;
import dev.cairn.audit.EntryStore;
import dev.cairn.audit.LogIdentity;
import dev.cairn.audit.SealedContent;
import dev.cairn.audit.StoredEntry;
import dev.cairn.ledger.TileId;
import dev.cairn.platform.JsonBodies;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * What only the server can say about a report's sections, added to their log figures as attested
 * figures: the settings it runs with, what is in the archive, whether erased content still opens;
 * and, where the articles set a bar, whether the section meets it.
 */
@Component
class Attestations {

    private final AuditRepository repository;
    private final EntryStore entries;
    private final SealedContent sealed;
    private final AuditProperties audit;
    private final AuditArchive archive;
    private final LogIdentity identity;

    Attestations(AuditRepository repository, EntryStore entries, SealedContent sealed, AuditProperties audit,
                 AuditArchive archive, LogIdentity identity) {
        this.repository = repository;
        this.entries = entries;
        this.sealed = sealed;
        this.audit = audit;
        this.archive = archive;
        this.identity = identity;
    }

    /** Adds each section's attested figures and, where its articles set a bar, whether it is met. */
    List<Section> attest(ReportScope scope, ReportComputation computation) {
        List<Section> sections = new ArrayList<>();
        for (Section section : computation.sections()) {
            List<Figure> figures = new ArrayList<>(section.figures());
            String status = "info";
            switch (section.id()) {
                case "log" -> {
                    figures.add(Figure.attested("log.checkpoints_signed", "Checkpoints signed in the period",
                            number(repository.checkpointsSigned(scope.from(), scope.to()).size()),
                            "from the server's table of checkpoints, which keeps every one signed"));
                    JsonNode completeness = section.figures().getFirst().value();
                    status = completeness.path("starts_before_period").asBoolean() && completeness.path("ends_after_period").asBoolean()
                            ? "pass" : "fail";
                }
                case "art12" -> status = "pass";
                case "art19" -> status = retention(figures, computation.tally(RetentionTally.class));
                case "art30" -> figures.add(Figure.attested("art30.keys", "Keys and where they are kept", keys(),
                        "from the server's configuration when the report was made"));
                case "art17" -> status = erasure(figures, computation.tally(ErasureTally.class));
                default -> {
                }
            }
            sections.add(new Section(section.id(), section.title(), section.articles(), section.summary(), status, figures,
                    section.notes()));
        }
        return sections;
    }

    private String retention(List<Figure> figures, RetentionTally tally) {
        Duration hot = audit.retention().hotPeriod();
        ObjectNode current = JsonBodies.JSON.createObjectNode()
                .put("hot_period_days", hot.toDays())
                .put("forced", audit.retention().force())
                .put("archive_dir", archive.root().toString());
        figures.add(Figure.attested("art19.current_setting", "Retention in force now", current,
                "cairn.audit.retention as the server runs now"));
        long size = repository.size();
        long archived = Math.min(repository.firstHotIndex(), size);
        boolean oldestReadable = size == 0 || repository.findByIndex(0).map(e -> {
            try {
                entries.data(e);
                return true;
            } catch (IllegalStateException missing) {
                return false;
            }
        }).orElse(false);
        ObjectNode archive = JsonBodies.JSON.createObjectNode()
                .put("entries_archived", archived)
                .put("bundles_archived", archived / TileId.WIDTH)
                .put("entries_in_database", size - archived)
                .put("oldest_entry_readable", oldestReadable);
        figures.add(Figure.attested("art19.archive", "Entries kept in the database and in the archive", archive,
                "from the database and the archive directory when the report was made"));
        long loggedShortest = tally.shortestDays();
        boolean met = hot.toDays() >= RetentionTally.MINIMUM_DAYS && oldestReadable
                && (loggedShortest < 0 || loggedShortest >= RetentionTally.MINIMUM_DAYS);
        return met ? "pass" : "fail";
    }

    private ObjectNode keys() {
        ObjectNode keys = JsonBodies.JSON.createObjectNode();
        keys.put("log_signing_key", audit.signingKey() != null ? "configuration" : "key file, owner-only");
        keys.put("master_key", audit.masterKey() != null ? "configuration" : "key file, owner-only");
        keys.put("data_keys", "one AES-256 key per data subject, stored wrapped (AES-256-GCM) under a key derived from "
                + "the master key; destroyed on erasure");
        keys.put("api_keys", "stored as hashes only");
        keys.put("log_vkey", identity.verifier().vkey());
        return keys;
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

    private static JsonNode number(long value) {
        return JsonNodeFactory.instance.numberNode(value);
    }
}
