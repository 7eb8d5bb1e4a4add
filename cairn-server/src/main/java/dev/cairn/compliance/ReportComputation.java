package dev.cairn.compliance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import dev.cairn.platform.JsonBodies;
import tools.jackson.databind.node.ObjectNode;

/**
 * The log figures of one report, worked out from the entries it scans: the same code runs in the
 * server that makes a report and in {@code cairn verify --report} that checks it, so a figure that
 * differs is a figure that was changed. Feed the context entries, then every entry of the scan
 * range in order, then read {@link #sections}.
 */
public final class ReportComputation {

    /** What a section is and which tally works out its figures. */
    record SectionSpec(String id, String title, List<String> articles, String summary,
                       Function<ReportScope, Tally> tally) {
    }

    static final SectionSpec LOG = new SectionSpec("log", "The log behind this report",
            List.of("EU AI Act Art. 12", "GDPR Art. 5(2)"),
            "Every figure below was computed from the audit log entries it cites, read in one contiguous range of the "
                    + "log. The section passes when that range is shown to hold the whole period: the entries just outside "
                    + "it lie outside the period. The period's signed checkpoints are proven consistent with each other and "
                    + "with the checkpoint the report was computed against.", null);

    private static final Map<ReportKind, List<SectionSpec>> SECTIONS = Map.of(
            ReportKind.EU_AI_ACT, List.of(
                    new SectionSpec("art12", "Automatic recording of events", List.of("EU AI Act Art. 12"),
                            "Which events Cairn recorded in the period, what each type records, and the traffic by model, "
                                    + "provider and outcome.", scope -> new RecordingTally()),
                    new SectionSpec("art19", "Keeping the logs", List.of("EU AI Act Art. 19", "EU AI Act Art. 26(6)"),
                            "The logs are kept at least six months: the retention configured, the oldest entry, and what has "
                                    + "moved to the archive.", scope -> new RetentionTally()),
                    new SectionSpec("art14", "Human oversight", List.of("EU AI Act Art. 14"),
                            "What humans did: feedback and annotation, the content the guard blocked or flagged, and which of "
                                    + "it a person reviewed.", scope -> new OversightTally()),
                    new SectionSpec("art10", "Data and data governance", List.of("EU AI Act Art. 10"),
                            "Datasets built from the log, with their sources and lineage, erasures that touched them, and "
                                    + "reward models trained on them with their model cards and privacy spent.",
                            scope -> new DataGovernanceTally())),
            ReportKind.GDPR_RECORDS, List.of(
                    new SectionSpec("art30", "Records of processing activities", List.of("GDPR Art. 30"),
                            "Categories of data subjects and personal data, recipients, retention and security measures, "
                                    + "as the log records them.", scope -> new ProcessingRecordsTally())),
            ReportKind.GDPR_ACCESS, List.of(
                    new SectionSpec("art15", "Right of access by the data subject", List.of("GDPR Art. 15"),
                            "Every entry the log holds about the subject; the export carries their content, opened.",
                            scope -> new SubjectAccessTally())),
            ReportKind.GDPR_ERASURE, List.of(
                    new SectionSpec("art17", "Right to erasure", List.of("GDPR Art. 17"),
                            "The subject's erasures, the entries whose content each made unreadable, and the dataset rows "
                                    + "taken out; the log itself still verifies.",
                            scope -> new ErasureTally(scope.subjectId()))));

    private final ReportScope scope;
    private final long treeSize;
    private final Map<SectionSpec, Tally> tallies = new LinkedHashMap<>();
    private LoggedEntry firstScanned;
    private LoggedEntry lastScanned;
    private long scanned;
    private long inScope;

    /** For a report over a log of {@code treeSize} entries (the checkpoint it is computed against). */
    public ReportComputation(ReportScope scope, long treeSize) {
        this.scope = scope;
        this.treeSize = treeSize;
        SECTIONS.get(scope.kind()).forEach(spec -> tallies.put(spec, spec.tally().apply(scope)));
    }

    /** The log's first entry, read before the range. */
    public void oldest(LoggedEntry entry) {
        tallies.values().forEach(t -> t.oldest(entry));
    }

    /** The configuration in force when the range begins, read before it. */
    public void configuration(LoggedEntry entry) {
        if (!ConfigInForce.TYPE.equals(entry.type())) {
            throw new IllegalArgumentException("entry " + entry.index() + " is a " + entry.type() + ", not a configuration");
        }
        tallies.values().forEach(t -> t.configuration(entry));
    }

    /** The next entry of the scan range: they must come in order, with none missing. */
    public void scanned(LoggedEntry entry) {
        if (lastScanned != null && entry.index() != lastScanned.index() + 1) {
            throw new IllegalArgumentException("entry " + entry.index() + " follows entry " + lastScanned.index());
        }
        if (firstScanned == null) {
            firstScanned = entry;
        }
        lastScanned = entry;
        scanned++;
        if (ConfigInForce.TYPE.equals(entry.type()) && entry.time().isBefore(scope.to())) {
            // A configuration recorded before the period's end: the period ran under it for a while.
            configuration(entry);
        }
        if (scope.includes(entry)) {
            inScope++;
            tallies.values().forEach(t -> t.accept(entry));
        }
    }

    <T extends Tally> T tally(Class<T> type) {
        return tallies.values().stream().filter(type::isInstance).map(type::cast).findFirst().orElse(null);
    }

    /** The report's sections with their log figures, the "log" section first. */
    public List<Section> sections() {
        ScanRange range = firstScanned == null ? ScanRange.EMPTY : new ScanRange(firstScanned.index(), lastScanned.index());
        List<Section> sections = new ArrayList<>();
        ObjectNode completeness = completeness(range);
        // Art. 12 asks for the events of the whole period: both rest on the range holding all of it.
        String complete = completeness.path("starts_before_period").asBoolean() && completeness.path("ends_after_period").asBoolean()
                ? "pass" : "fail";
        sections.add(new Section(LOG.id(), LOG.title(), LOG.articles(), LOG.summary(), complete,
                List.of(Figure.ofRange("log.completeness", "Entries read, and that the range holds the whole period",
                        completeness, range.first(), range.last())), List.of()));
        tallies.forEach((spec, tally) -> sections.add(new Section(spec.id(), spec.title(), spec.articles(), spec.summary(),
                spec.id().equals("art12") ? complete : null, tally.figures(range), List.of())));
        return sections;
    }

    /**
     * The range bounds the period when the entry before it (if the log has one) is older than the
     * period and the entry after it (if the checkpoint has one) newer: then no entry of the period
     * lies outside what was read. A subject's report reads the whole log, which bounds itself.
     */
    private ObjectNode completeness(ScanRange range) {
        ObjectNode json = JsonBodies.JSON.createObjectNode();
        json.put("entries_read", scanned);
        json.put("entries_in_scope", inScope);
        json.put("tree_size", treeSize);
        boolean startBounded = range.isEmpty() ? treeSize == 0
                : range.first() == 0 || firstScanned.time().isBefore(scope.from());
        boolean endBounded = range.isEmpty() ? treeSize == 0
                : range.last() == treeSize - 1 || !lastScanned.time().isBefore(scope.to());
        json.put("starts_before_period", startBounded);
        json.put("ends_after_period", endBounded);
        return json;
    }
}
