package dev.cairn.compliance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.cairn.audit.CanonicalJson;
import dev.cairn.ledger.Checkpoint;
import dev.cairn.ledger.LogReader;
import dev.cairn.ledger.LogVerifier;
import dev.cairn.ledger.MerkleProofs;
import dev.cairn.ledger.NoteVerifier;
import dev.cairn.ledger.VerificationException;
import dev.cairn.platform.JsonBodies;
import tools.jackson.databind.JsonNode;

/**
 * Checks a compliance report trusting only the log's verifier key and the log itself (a running
 * Cairn or an exported bundle): the report's signature, its checkpoint and the chain of the
 * period's checkpoints, every entry it read against its leaf, and every log figure recomputed from
 * those entries by the same {@link ReportComputation} that made it. Each failure names what failed;
 * attested figures, which no log can prove, are listed as such.
 */
public final class ReportVerifier {

    /** What was checked, what failed, and which figures only the operator vouches for. */
    public record Result(List<String> checked, List<String> failures, List<String> attested) {

        public boolean passed() {
            return failures.isEmpty();
        }
    }

    private final LogReader reader;
    private final NoteVerifier verifier;

    public ReportVerifier(LogReader reader, NoteVerifier verifier) {
        this.reader = reader;
        this.verifier = verifier;
    }

    public Result verify(JsonNode report) throws IOException {
        List<String> checked = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        List<String> attested = new ArrayList<>();
        try {
            ReportSignature.verify(report, verifier);
            checked.add("signature: signed by " + verifier.name() + " over digest " + ReportSignature.digest(report));
        } catch (VerificationException e) {
            failures.add("signature: " + e.getMessage());
        }
        try {
            verifyAgainstLog(report, checked, failures, attested);
        } catch (VerificationException e) {
            failures.add("log: " + e.getMessage());
        }
        return new Result(checked, failures, attested);
    }

    private void verifyAgainstLog(JsonNode report, List<String> checked, List<String> failures, List<String> attested)
            throws IOException, VerificationException {
        LogVerifier log = new LogVerifier(reader, verifier);
        JsonNode logJson = report.path("log");
        Checkpoint cited = log.openCheckpoint(logJson.path("checkpoint").asString("").getBytes(StandardCharsets.UTF_8));
        if (cited.size() != logJson.path("tree_size").asLong(-1)) {
            throw new VerificationException("the report's tree_size is not its checkpoint's size " + cited.size());
        }
        Checkpoint latest = log.latestCheckpoint();
        log.verifyTree(latest, LogVerifier.Entries.NONE);
        log.verifyConsistency(cited, latest);
        checked.add("checkpoint: the report's checkpoint (" + cited.size() + " entries) is signed and the log of "
                + latest.size() + " entries extends it");
        ReportScope scope = scope(report);
        verifyChain(logJson.path("checkpoints"), cited, log, scope, report);
        checked.add("checkpoints: " + logJson.path("checkpoints").size() + " checkpoints of the period signed, each consistent "
                + "with the one before");

        ReportComputation computation = new ReportComputation(scope, cited.size());
        ScanRange range = range(logJson.path("range"), cited, scope);
        readContext(logJson.path("context"), range, latest, log, computation);
        if (!range.isEmpty()) {
            log.readEntries(latest, range.first(), range.last(),
                    (i, entry) -> computation.scanned(new LoggedEntry(i, JsonBodies.JSON.readTree(entry))));
            checked.add("entries: " + range.count() + " entries (" + range.first() + " to " + range.last()
                    + ") each match their leaf");
        }
        if (range.last() == cited.size() - 1 && latest.size() > cited.size()) {
            // The range ends where the cited tree ends: the next entry, logged since, must lie after the period.
            JsonNode[] next = new JsonNode[1];
            log.readEntries(latest, cited.size(), cited.size(), (i, bytes) -> next[0] = JsonBodies.JSON.readTree(bytes));
            if (Instant.parse(next[0].path("time").asString()).isBefore(scope.to())) {
                failures.add("log: entry " + cited.size() + ", logged after the report's checkpoint, lies in the period: "
                        + "the report was computed against a checkpoint that did not hold the whole period");
            }
        }
        List<Section> sections = computation.sections();
        compareFigures(report, sections, checked, failures, attested);
        for (Section section : sections) {
            if ("fail".equals(section.status())) {
                failures.add("section " + section.id() + ": " + (section.id().equals("log")
                        ? "the entries read do not hold the whole period (log.completeness)" : "fails on the log's own figures"));
            }
        }
        checkRecorded(report, latest, log, checked, failures);
        checkSubjectContent(report, latest, log, checked, failures);
    }

    /**
     * The range the report read: a subject's report reads the whole log of its checkpoint; a period's,
     * entries within that log.
     */
    private static ScanRange range(JsonNode json, Checkpoint cited, ReportScope scope) throws VerificationException {
        ScanRange range = json.isObject() ? new ScanRange(json.path("first").asLong(0), json.path("last").asLong(-1)) : ScanRange.EMPTY;
        if (range.last() >= cited.size() || range.first() < 0) {
            throw new VerificationException("the report read entries " + range.first() + " to " + range.last()
                    + ", outside its checkpoint of " + cited.size());
        }
        if (range.isEmpty() != (cited.size() == 0)) {
            throw new VerificationException("the report read no entries of a log that has " + cited.size());
        }
        if (scope.kind().aboutSubject() && !range.isEmpty() && (range.first() != 0 || range.last() != cited.size() - 1)) {
            throw new VerificationException("a subject's report reads the whole log, entries 0 to " + (cited.size() - 1)
                    + ", not " + range.first() + " to " + range.last());
        }
        return range;
    }

    /**
     * The context is the log's first entry and, when the range starts later, a configuration entry
     * from before it. That it is the newest such entry is not proven here (docs/compliance.md).
     */
    private static void readContext(JsonNode context, ScanRange range, Checkpoint latest, LogVerifier log,
                                    ReportComputation computation) throws IOException, VerificationException {
        if (range.isEmpty()) {
            if (!context.isEmpty()) {
                throw new VerificationException("the report names context entries but read none");
            }
            return;
        }
        if (context.path("oldest").asLong(-1) != 0) {
            throw new VerificationException("the report's context does not name the log's first entry as its oldest");
        }
        log.readEntries(latest, 0, 0, (i, entry) -> computation.oldest(new LoggedEntry(i, JsonBodies.JSON.readTree(entry))));
        JsonNode configuration = context.path("configuration");
        if (configuration.isNumber()) {
            long index = configuration.asLong();
            if (index >= range.first()) {
                throw new VerificationException("context entry " + index + " is not before the range");
            }
            try {
                log.readEntries(latest, index, index,
                        (i, entry) -> computation.configuration(new LoggedEntry(i, JsonBodies.JSON.readTree(entry))));
            } catch (IllegalArgumentException e) {
                throw new VerificationException("context entry " + index + ": " + e.getMessage(), e);
            }
        } else if (!configuration.isNull() && !configuration.isMissingNode()) {
            throw new VerificationException("the report's context configuration is not an entry index");
        }
    }

    /**
     * Every link is signed by the log's key and proven consistent with the one before; the last is
     * the report's; an erasure certificate's chain starts before the erasure it certifies.
     */
    private void verifyChain(JsonNode chain, Checkpoint cited, LogVerifier log, ReportScope scope, JsonNode report)
            throws VerificationException {
        Checkpoint previous = null;
        long smallest = Long.MAX_VALUE;
        for (JsonNode link : chain) {
            Checkpoint checkpoint = log.openCheckpoint(link.path("note").asString("").getBytes(StandardCharsets.UTF_8));
            smallest = Math.min(smallest, checkpoint.size());
            if (previous != null) {
                if (checkpoint.size() <= previous.size()) {
                    throw new VerificationException("checkpoint chain: " + checkpoint.size() + " follows " + previous.size());
                }
                List<byte[]> proof = new ArrayList<>();
                for (JsonNode hash : link.path("consistency_from_previous")) {
                    proof.add(base64(hash.asString(""), "checkpoint chain: a proof hash"));
                }
                try {
                    MerkleProofs.verifyConsistency(previous.size(), checkpoint.size(), proof, previous.rootHash(),
                            checkpoint.rootHash());
                } catch (VerificationException e) {
                    throw new VerificationException("checkpoint chain: " + previous.size() + " to " + checkpoint.size() + ": "
                            + e.getMessage(), e);
                }
            }
            previous = checkpoint;
        }
        if (previous == null || !previous.equals(cited)) {
            throw new VerificationException("checkpoint chain: it does not end at the report's checkpoint");
        }
        if (scope.kind() == ReportKind.GDPR_ERASURE) {
            long erasure = lastErasure(report);
            if (erasure >= 0 && smallest > erasure) {
                throw new VerificationException("checkpoint chain: no checkpoint from before the erasure at entry " + erasure
                        + ", so the certificate does not show the log verifies across it");
            }
        }
    }

    private static long lastErasure(JsonNode report) {
        long last = -1;
        for (JsonNode erasure : figureValue(report, "art17.erasures")) {
            last = Math.max(last, erasure.path("index").asLong(-1));
        }
        return last;
    }

    /**
     * Each log figure recomputed must be in the report once, in the same section, with the same label,
     * value and evidence; an attested figure may not take a recomputed figure's id; and the statuses
     * of the sections the log alone decides must be the recomputed ones.
     */
    private static void compareFigures(JsonNode report, List<Section> recomputed, List<String> checked, List<String> failures,
                                       List<String> attested) {
        Map<String, JsonNode> claimed = new HashMap<>();
        Map<String, String> claimedSection = new HashMap<>();
        Map<String, String> statuses = new HashMap<>();
        for (JsonNode section : report.path("sections")) {
            String sectionId = section.path("id").asString("");
            statuses.put(sectionId, section.path("status").asString(""));
            for (JsonNode figure : section.path("figures")) {
                String id = figure.path("id").asString();
                if (claimed.containsKey(id) || attested.contains(id)) {
                    failures.add("figure " + id + ": appears more than once");
                } else if ("attested".equals(figure.path("method").asString())) {
                    attested.add(id);
                } else {
                    claimed.put(id, figure);
                    claimedSection.put(id, sectionId);
                }
            }
        }
        int matched = 0;
        for (Section section : recomputed) {
            if (section.status() != null && !section.status().equals(statuses.get(section.id()))) {
                failures.add("section " + section.id() + ": the report says " + statuses.get(section.id())
                        + ", the log gives " + section.status());
            }
            for (Figure figure : section.figures()) {
                JsonNode said = claimed.remove(figure.id());
                if (attested.contains(figure.id())) {
                    failures.add("figure " + figure.id() + ": computed from the log, but the report calls it attested");
                } else if (said == null) {
                    failures.add("figure " + figure.id() + ": missing from the report");
                } else if (!section.id().equals(claimedSection.get(figure.id())) || !figure.label().equals(said.path("label").asString())) {
                    failures.add("figure " + figure.id() + ": the report puts it in section " + claimedSection.get(figure.id())
                            + " as '" + said.path("label").asString() + "'; it is '" + figure.label() + "' of section " + section.id());
                } else if (!same(said.path("value"), figure.value())) {
                    failures.add("figure " + figure.id() + " (" + figure.label() + "): the report says " + said.path("value")
                            + ", the log gives " + figure.value());
                } else if (!same(said.path("evidence"), figure.evidence())) {
                    failures.add("figure " + figure.id() + ": the report cites " + said.path("evidence")
                            + ", it was computed from " + figure.evidence());
                } else {
                    matched++;
                }
            }
        }
        claimed.keySet().forEach(id -> failures.add("figure " + id + ": claimed as computed from the log, but no such figure is"));
        checked.add("figures: " + matched + " recomputed from the log and equal");
    }

    private static boolean same(JsonNode a, JsonNode b) {
        return Arrays.equals(CanonicalJson.bytes(a), CanonicalJson.bytes(b));
    }

    /** The report's own entry, when the log already covers it, names its digest. */
    private static void checkRecorded(JsonNode report, Checkpoint latest, LogVerifier log, List<String> checked,
                                      List<String> failures) throws IOException, VerificationException {
        JsonNode recorded = report.path("recorded");
        if (!recorded.has("index")) {
            failures.add("recorded: the report does not say where the log recorded it");
            return;
        }
        long index = recorded.path("index").asLong();
        if (index >= latest.size()) {
            checked.add("recorded: NOT CHECKED, entry " + index + " is after this log's checkpoint of " + latest.size()
                    + " entries (an export made before the report?)");
            return;
        }
        JsonNode[] entry = new JsonNode[1];
        log.readEntries(latest, index, index, (i, bytes) -> entry[0] = JsonBodies.JSON.readTree(bytes));
        JsonNode data = entry[0].path("data");
        if (!ComplianceReports.ENTRY_TYPE.equals(entry[0].path("type").asString())
                || !report.path("id").asString().equals(data.path("report_id").asString())
                || !ReportSignature.digest(report).equals(data.path("sha256").asString())) {
            failures.add("recorded: entry " + index + " does not record this report with its digest");
        } else {
            checked.add("recorded: entry " + index + " records this report's digest");
        }
    }

    /** An access report's opened entries are exactly the entries it lists, byte for byte as logged. */
    private static void checkSubjectContent(JsonNode report, Checkpoint latest, LogVerifier log, List<String> checked,
                                            List<String> failures) throws IOException, VerificationException {
        JsonNode content = report.path("subject_content");
        if (!content.isArray()) {
            return;
        }
        List<Long> listed = new ArrayList<>();
        for (JsonNode item : content) {
            long index = item.path("index").asLong();
            listed.add(index);
            byte[] claimed = base64(item.path("entry_canonical").asString(""), "subject_content: entry " + index);
            byte[][] logged = new byte[1][];
            log.readEntries(latest, index, index, (i, bytes) -> logged[0] = bytes);
            if (!Arrays.equals(claimed, logged[0])) {
                failures.add("subject_content: entry " + index + " is not the logged entry");
            }
        }
        List<Long> expected = new ArrayList<>();
        figureValue(report, "art15.entries").path("entries").forEach(i -> expected.add(i.asLong()));
        if (!listed.equals(expected)) {
            failures.add("subject_content: holds entries " + listed + ", the report lists " + expected);
        } else {
            checked.add("subject_content: " + listed.size() + " entries, each the logged entry");
        }
    }

    private static JsonNode figureValue(JsonNode report, String id) {
        for (JsonNode section : report.path("sections")) {
            for (JsonNode figure : section.path("figures")) {
                if (figure.path("id").asString().equals(id)) {
                    return figure.path("value");
                }
            }
        }
        return JsonBodies.JSON.missingNode();
    }

    private static byte[] base64(String text, String what) throws VerificationException {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new VerificationException(what + " is not base64");
        }
    }

    private static ReportScope scope(JsonNode report) throws VerificationException {
        ReportKind kind = ReportKind.parse(report.path("kind").asString(""))
                .orElseThrow(() -> new VerificationException("unknown report kind '" + report.path("kind").asString("") + "'"));
        try {
            return new ReportScope(kind, Instant.parse(report.path("period").path("from").asString()),
                    Instant.parse(report.path("period").path("to").asString()), report.path("workspace").asString(null),
                    report.path("subject").asString(null));
        } catch (RuntimeException e) {
            throw new VerificationException("the report's scope does not parse: " + e.getMessage(), e);
        }
    }
}
