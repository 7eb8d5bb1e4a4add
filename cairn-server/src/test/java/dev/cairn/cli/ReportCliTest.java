package dev.cairn.cli;

import static dev.cairn.support.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import dev.cairn.ledger.Tiles;
import dev.cairn.support.CairnServerTest;
import dev.cairn.support.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Value;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code cairn report} saves a report from the running server, and {@code cairn verify --report}
 * checks it as an auditor would, against the server's log or an exported bundle of it, in JSON and
 * in HTML: a changed figure and a changed entry each fail, naming what changed.
 */
class ReportCliTest extends CairnServerTest {

    @TempDir
    Path dir;

    @Value("${cairn.data-dir}")
    String dataDir;

    @Test
    void aSavedReportVerifiesAgainstTheLogAndItsExportUntilAFigureOrAnEntryChanges() throws Exception {
        String user = createKey("report-cli");
        Instant from = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        for (String text : new String[] {"first", "second"}) {
            assertThat(post("/v1/chat/completions", user, "{\"model\":\"cairn/echo\",\"messages\":[{\"role\":\"user\",\"content\":\""
                    + text + "\"}]}").statusCode()).isEqualTo(200);
        }
        Thread.sleep(2);
        Instant to = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String vkey = get("/log/vkey", null).body().strip();
        Path json = dir.resolve("report.json");
        CliRun made = run("report", "--url", url(""), "--key", ADMIN_KEY, "--kind", "eu-ai-act", "--workspace", "report-cli",
                "--from", from.toString(), "--to", to.toString(), "--out", json.toString());
        assertThat(made.exit()).as(made.stderr()).isZero();
        assertThat(made.stdout()).contains("wrote " + json);

        CliRun verified = run("verify", "--report", json.toString(), "--url", url(""), "--key", ADMIN_KEY, "--vkey", vkey);
        assertThat(verified.exit()).as(verified.stdout() + verified.stderr()).isZero();
        assertThat(verified.stdout()).contains("ok: signature", "ok: figures:", "ok: recorded: entry", "attested by the operator", "OK");

        Path html = dir.resolve("report.html");
        assertThat(run("report", "--url", url(""), "--key", ADMIN_KEY, "--kind", "gdpr-records", "--from", from.toString(),
                "--to", to.toString(), "--format", "html", "--out", html.toString()).exit()).isZero();
        assertThat(Files.readString(html)).startsWith("<!DOCTYPE html>").contains("id=\"cairn-report\"");
        assertThat(run("verify", "--report", html.toString(), "--url", url(""), "--key", ADMIN_KEY, "--vkey", vkey).exit()).isZero();
        // What a person reads is checked too: the page must be the one rendered from the report it carries.
        String page = Files.readString(html);
        Path doctored = dir.resolve("doctored.html");
        Files.writeString(doctored, page.replace("<h1>", "<h1>All clear: "));
        CliRun pageChanged = run("verify", "--report", doctored.toString(), "--url", url(""), "--key", ADMIN_KEY, "--vkey", vkey);
        assertThat(pageChanged.exit()).isEqualTo(1);
        assertThat(pageChanged.stdout()).contains("FAILED: page: what doctored.html shows is not the page rendered from the report");

        JsonNode report = FAKE_JSON.readTree(Files.readString(json));
        ObjectNode changed = ((ObjectNode) report).deepCopy();
        for (JsonNode section : changed.path("sections")) {
            for (JsonNode figure : section.path("figures")) {
                if (figure.path("id").asString().equals("art12.entries")) {
                    ((ObjectNode) figure).put("value", figure.path("value").asLong() + 1);
                }
            }
        }
        Path tamperedReport = dir.resolve("changed.json");
        Files.writeString(tamperedReport, changed.toString());
        CliRun figureChanged = run("verify", "--report", tamperedReport.toString(), "--url", url(""), "--key", ADMIN_KEY, "--vkey", vkey);
        assertThat(figureChanged.exit()).isEqualTo(1);
        assertThat(figureChanged.stdout()).contains("FAILED: signature", "FAILED: figure art12.entries (Entries recorded in the period): "
                + "the report says 3, the log gives 2");

        Path bundle = dir.resolve("bundle");
        assertThat(run("export", "audit", "--data-dir", dataDir, "--out", bundle.toString()).exit()).isZero();
        CliRun offline = run("verify", "--report", json.toString(), "--dir", bundle.toString(), "--vkey", vkey);
        assertThat(offline.exit()).as(offline.stdout() + offline.stderr()).isZero();
        long cited = report.path("log").path("range").path("last").asLong() - 1;
        long size = Long.parseLong(Files.readString(bundle.resolve("checkpoint")).split("\n")[1]);
        Path entries = bundle.resolve(Tiles.entryBundleFor(cited, size).path());
        byte[] data = Files.readAllBytes(entries);
        String text = new String(data, java.nio.charset.StandardCharsets.ISO_8859_1);
        int at = text.indexOf("\"status\":200", text.indexOf("report-cli"));
        data[at + "\"status\":".length()] = '5';
        Files.write(entries, data);
        CliRun entryChanged = run("verify", "--report", json.toString(), "--dir", bundle.toString(), "--vkey", vkey);
        assertThat(entryChanged.exit()).isEqualTo(1);
        assertThat(entryChanged.stdout()).containsPattern("FAILED: log: entry \\d+: its hash does not match leaf");
    }

    private static final tools.jackson.databind.json.JsonMapper FAKE_JSON = dev.cairn.support.FakeUpstream.JSON;
}
