package dev.cairn.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import dev.cairn.compliance.ReportDocuments;
import dev.cairn.compliance.ReportVerifier;
import dev.cairn.datasets.DatasetBundleVerifier;
import dev.cairn.ledger.Checkpoint;
import dev.cairn.ledger.Hashes;
import dev.cairn.ledger.LogReader;
import dev.cairn.ledger.LogVerifier;
import dev.cairn.ledger.MerkleProofs;
import dev.cairn.ledger.NoteVerifier;
import dev.cairn.ledger.VerificationException;
import dev.cairn.platform.JsonBodies;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/**
 * Checks a Cairn audit log from the outside, trusting only the log's verifier key: the signed
 * checkpoint, the whole tree recomputed from its tiles, every entry it can read against its leaf,
 * consistency with the last checkpoint this machine saw (kept in a state file, as a witness
 * would), and, when asked, one entry or request with its inclusion proof.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Verify a running Cairn's audit log (--url), an exported bundle (--dir), a dataset bundle (--dataset),"
                + " or a compliance report against either log (--report).")
class VerifyCommand implements Callable<Integer> {

    static class Source {
        @Option(names = "--url", paramLabel = "URL", description = "A running Cairn, e.g. http://localhost:8080.")
        String url;
        @Option(names = "--dir", paramLabel = "DIR", description = "A bundle written by 'cairn export audit'.")
        Path dir;
        @Option(names = "--dataset", paramLabel = "DIR", description = "A dataset bundle written by 'cairn export dataset'.")
        Path dataset;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--vkey", paramLabel = "VKEY",
            description = "The log's verifier key (name+keyid+key), from 'cairn log vkey'. Required with --url;"
                    + " with --dir the bundle's own vkey is used when omitted, which proves integrity, not origin.")
    String vkey;

    @Option(names = "--key", paramLabel = "API_KEY", defaultValue = "${env:CAIRN_API_KEY}",
            description = "An auditor or admin key for --url (CAIRN_API_KEY).")
    String apiKey;

    @Option(names = "--state", paramLabel = "FILE",
            description = "Where the last verified checkpoint is kept (default ~/.cairn/verify/<origin>.checkpoint).")
    Path state;

    @Option(names = "--entry", paramLabel = "INDEX", description = "Also prove that this entry is in the log.")
    Long entry;

    @Option(names = "--request", paramLabel = "ID", description = "Also fetch and prove this request's entry (with --url).")
    String request;

    @Option(names = "--tiles-only", description = "Check tiles and root but do not hash the entries.")
    boolean tilesOnly;

    @Option(names = "--report", paramLabel = "FILE",
            description = "Check a compliance report (JSON, HTML or PDF) against the log of --url or --dir: its signature, "
                    + "its checkpoints, and every figure recomputed from the entries it cites.")
    Path report;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try {
            verify(out);
            out.println("OK");
            return 0;
        } catch (VerificationException e) {
            out.flush();
            spec.commandLine().getErr().println("cairn verify: FAILED: " + e.getMessage());
            return 1;
        }
    }

    private void verify(PrintWriter out) throws IOException, VerificationException {
        if (source.dataset != null) {
            verifyDataset(out);
            return;
        }
        LogReader reader;
        NoteVerifier verifier;
        if (source.dir != null) {
            reader = LogReader.directory(source.dir);
            String key = vkey != null ? vkey : Files.readString(source.dir.resolve("vkey"), StandardCharsets.UTF_8).strip();
            if (vkey == null) {
                out.println("note: using the bundle's own vkey; pass --vkey to also check who signed it");
            }
            verifier = NoteVerifier.parse(key);
        } else {
            if (vkey == null) {
                throw new IllegalArgumentException("--vkey is required with --url: get it once with 'cairn log vkey'");
            }
            reader = new HttpLogReader(source.url, apiKey);
            verifier = NoteVerifier.parse(vkey);
        }
        if (report != null) {
            verifyReport(out, reader, verifier);
            return;
        }
        LogVerifier log = new LogVerifier(reader, verifier);

        byte[] latestNote = reader.read("checkpoint");
        Checkpoint latest = log.openCheckpoint(latestNote);
        out.printf("checkpoint: %s, %d entries, root %s: signature OK%n", latest.origin(), latest.size(),
                Hashes.hex(latest.rootHash()));
        LogVerifier.Report report = log.verifyTree(latest, tilesOnly ? LogVerifier.Entries.NONE : LogVerifier.Entries.PRESENT);
        out.printf("tree: %d tiles recomputed, root matches; %d entries hashed against their leaves%s%n",
                report.tilesChecked(), report.entriesChecked(),
                report.bundlesMissing() > 0 ? " (" + report.bundlesMissing() + " entry bundles not in this source)" : "");

        if (source.dir != null && Files.isDirectory(source.dir.resolve("checkpoints"))) {
            int checked = 0;
            try (Stream<Path> notes = Files.list(source.dir.resolve("checkpoints"))) {
                for (Path note : notes.sorted().toList()) {
                    Checkpoint earlier = log.openCheckpoint(Files.readAllBytes(note));
                    log.verifyConsistency(earlier, latest);
                    checked++;
                }
            }
            out.printf("history: %d earlier checkpoints signed and consistent with the latest%n", checked);
        }

        Path statePath = state != null ? state : defaultState(verifier);
        if (Files.exists(statePath)) {
            Checkpoint seen = log.openCheckpoint(Files.readAllBytes(statePath));
            log.verifyConsistency(seen, latest);
            out.printf("consistency: the log extends the checkpoint of size %d seen before (%s)%n", seen.size(), statePath);
        } else {
            out.printf("consistency: no earlier checkpoint in %s; this one is kept for next time%n", statePath);
        }
        Files.createDirectories(statePath.toAbsolutePath().getParent());
        Files.write(statePath, latestNote);

        if (entry != null) {
            byte[] data = log.verifyEntry(entry, latest);
            out.printf("entry %d: included in the tree of size %d (%d bytes)%n", entry, latest.size(), data.length);
        }
        if (request != null) {
            verifyRequest(out, log, verifier, latest);
        }
    }

    /** Checks what /v1/audit/requests/{id} returned with nothing but hashes, the key and the tiles. */
    private void verifyRequest(PrintWriter out, LogVerifier log, NoteVerifier verifier, Checkpoint latest)
            throws IOException, VerificationException {
        if (source.url == null) {
            throw new IllegalArgumentException("--request needs --url");
        }
        HttpLogReader http = new HttpLogReader(source.url, apiKey);
        JsonNode proof = JsonBodies.JSON.readTree(http.get("/v1/audit/requests/" + request));
        long index = proof.path("index").asLong();
        long size = proof.path("tree_size").asLong();
        byte[] entry = Base64.getDecoder().decode(proof.path("entry_canonical").asString());
        byte[] leaf = Hashes.leafHash(entry);
        if (!Hashes.equal(leaf, Base64.getDecoder().decode(proof.path("leaf_hash").asString()))) {
            throw new VerificationException("request " + request + " (entry " + index + "): its entry does not hash to its leaf hash");
        }
        Checkpoint checkpoint = log.openCheckpoint(proof.path("checkpoint").asString().getBytes(StandardCharsets.UTF_8));
        if (checkpoint.size() != size) {
            throw new VerificationException("request " + request + ": tree_size differs from its checkpoint");
        }
        List<byte[]> path = new ArrayList<>();
        proof.path("inclusion_proof").forEach(h -> path.add(Base64.getDecoder().decode(h.asString())));
        try {
            MerkleProofs.verifyInclusion(leaf, index, size, path, checkpoint.rootHash());
        } catch (VerificationException e) {
            throw new VerificationException("entry " + index + ": " + e.getMessage(), e);
        }
        if (checkpoint.size() >= latest.size()) {
            log.verifyConsistency(latest, checkpoint);
        } else {
            log.verifyConsistency(checkpoint, latest);
        }
        out.printf("request %s: entry %d, included in the signed tree of size %d, consistent with the checked one%n",
                request, index, size);
    }

    /** Prints what was checked, what only the operator attests, and fails naming every figure that does not match. */
    private void verifyReport(PrintWriter out, LogReader reader, NoteVerifier verifier) throws IOException, VerificationException {
        if (vkey == null) {
            throw new IllegalArgumentException("--vkey is required with --report: get it once with 'cairn log vkey'");
        }
        if (!Files.isRegularFile(report)) {
            throw new IllegalArgumentException("no report file at " + report);
        }
        byte[] file = Files.readAllBytes(report);
        JsonNode document = ReportDocuments.readReport(file);
        ReportVerifier.Result result = new ReportVerifier(reader, verifier).verify(document);
        if (!ReportDocuments.showsOnly(file, document)) {
            result.failures().add("page: what " + report.getFileName() + " shows is not the page rendered from the report it "
                    + "carries: its visible text or layout was changed");
        }
        out.printf("report %s (%s, %s to %s)%n", document.path("id").asString(), document.path("kind").asString(),
                document.path("period").path("from").asString(), document.path("period").path("to").asString());
        result.checked().forEach(line -> out.println("  ok: " + line));
        if (!result.attested().isEmpty()) {
            out.println("  attested by the operator, signed but not provable from the log: " + String.join(", ", result.attested()));
        }
        if (!result.passed()) {
            result.failures().forEach(line -> out.println("  FAILED: " + line));
            throw new VerificationException(result.failures().size() + " check(s) of report " + document.path("id").asString()
                    + " failed; first: " + result.failures().getFirst());
        }
    }

    /** A dataset bundle needs the key itself: its own copy would prove integrity, not who signed it. */
    private void verifyDataset(PrintWriter out) throws IOException, VerificationException {
        if (vkey == null) {
            throw new IllegalArgumentException("--vkey is required with --dataset: get it once with 'cairn log vkey'");
        }
        DatasetBundleVerifier.Report report = new DatasetBundleVerifier(NoteVerifier.parse(vkey)).verify(source.dataset);
        out.printf("dataset %s: manifest logged and signed; %d rows from %d log entries proven under the checkpoint of size %d;"
                + " rows match the manifest's Merkle root%n", report.datasetId(), report.rows(), report.entries(), report.cutSize());
        if (report.erased() > 0) {
            out.printf("dataset %s: %d rows omitted, erased with their subject (logged dataset.rows_erased entries); their kept"
                    + " leaf hashes complete the root%n", report.datasetId(), report.erased());
        }
    }

    private static Path defaultState(NoteVerifier verifier) {
        String name = verifier.name().replaceAll("[^A-Za-z0-9._-]", "_") + "-" + String.format("%08x", verifier.keyId());
        return Path.of(System.getProperty("user.home"), ".cairn", "verify", name + ".checkpoint");
    }
}
