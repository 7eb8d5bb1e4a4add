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
        verifyChain(logJson.path("checkpoints"), cited, log);
        checked.add("checkpoints: " + logJson.path("checkpoints").size() + " checkpoints of the period signed, each consistent "
                + "with the one before");

        ReportScope scope = scope(report);
        ReportComputation computation = new ReportComputation(scope, cited.size());
        JsonNode range = logJson.path("range");
        long first = range.path("first").asLong(0);
        long last = range.isObject() ? range.path("last").asLong(-1) : -1;
        for (JsonNode index : logJson.path("context")) {
            log.readEntries(latest, index.asLong(), index.asLong(),
                    (i, entry) -> computation.context(new LoggedEntry(i, JsonBodies.JSON.readTree(entry))));
        }
        checkContext(logJson.path("context"), first, last);
        if (last >= cited.size()) {
            throw new VerificationException("the report read entries up to " + last + ", beyond its checkpoint of " + cited.size());
        }
        if (last >= first) {
            log.readEntries(latest, first, last,
                    (i, entry) -> computation.scanned(new LoggedEntry(i, JsonBodies.JSON.readTree(entry))));
            checked.add("entries: " + (last - first + 1) + " entries (" + first + " to " + last + ") each match their leaf");
        }
        compareFigures(report, computation.sections(), checked, failures, attested);
        checkRecorded(report, latest, log, checked, failures);
        checkSubjectContent(report, latest, log, checked, failures);
    }

    /** Every link is signed by the log's key and proven consistent with the one before; the last is the report's. */
    private void verifyChain(JsonNode chain, Checkpoint cited, LogVerifier log) throws VerificationException {
        Checkpoint previous = null;
        for (JsonNode link : chain) {
            Checkpoint checkpoint = log.openCheckpoint(link.path("note").asString("").getBytes(StandardCharsets.UTF_8));
            if (previous != null) {
                List<byte[]> proof = new ArrayList<>();
                link.path("consistency_from_previous").forEach(h -> proof.add(Base64.getDecoder().decode(h.asString())));
                if (checkpoint.size() <= previous.size()) {
                    throw new VerificationException("checkpoint chain: " + checkpoint.size() + " follows " + previous.size());
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
    }

    /** The context is the log's first entry and, when the range starts later, the configuration in force then. */
    private static void checkContext(JsonNode context, long first, long last) throws VerificationException {
        if (last < first) {
            return;
        }
        if (context.isEmpty() || context.get(0).asLong(-1) != 0) {
            throw new VerificationException("the report's context does not start with the log's first entry");
        }
        for (int i = 1; i < context.size(); i++) {
            if (context.get(i).asLong() >= first) {
                throw new VerificationException("context entry " + context.get(i).asLong() + " is not before the range");
            }
        }
    }

    private static void compareFigures(JsonNode report, List<Section> recomputed, List<String> checked, List<String> failures,
                                       List<String> attested) {
        Map<String, JsonNode> claimed = new HashMap<>();
        for (JsonNode section : report.path("sections")) {
            for (JsonNode figure : section.path("figures")) {
                String id = figure.path("id").asString();
                if ("attested".equals(figure.path("method").asString())) {
                    attested.add(id);
                } else {
                    claimed.put(id, figure);
                }
            }
        }
        int matched = 0;
        for (Section section : recomputed) {
            for (Figure figure : section.figures()) {
                JsonNode said = claimed.remove(figure.id());
                if (said == null) {
                    failures.add("figure " + figure.id() + ": missing from the report");
                    continue;
                }
                if (!same(said.path("value"), figure.value())) {
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
            return;
        }
        long index = recorded.path("index").asLong();
        if (index >= latest.size()) {
            checked.add("recorded: entry " + index + " is not yet covered by the log's checkpoint");
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
            byte[] claimed = Base64.getDecoder().decode(item.path("entry_canonical").asString(""));
            byte[][] logged = new byte[1][];
            log.readEntries(latest, index, index, (i, bytes) -> logged[0] = bytes);
            if (!Arrays.equals(claimed, logged[0])) {
                failures.add("subject_content: entry " + index + " is not the logged entry");
            }
        }
        List<Long> expected = new ArrayList<>();
        for (JsonNode section : report.path("sections")) {
            for (JsonNode figure : section.path("figures")) {
                if (figure.path("id").asString().equals("art15.entries")) {
                    figure.path("value").path("entries").forEach(i -> expected.add(i.asLong()));
                }
            }
        }
        if (!listed.equals(expected)) {
            failures.add("subject_content: holds entries " + listed + ", the report lists " + expected);
        } else {
            checked.add("subject_content: " + listed.size() + " entries, each the logged entry");
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
