package dev.cairn.compliance;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import dev.cairn.platform.JsonBodies;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A compliance report shaped like the ones Cairn computes, for the rendering tests: several sections,
 * 30-day series, every kind of figure value, and log-borne strings that try to inject markup.
 */
final class RenderSampleReport {

    static final String INJECTED = "<script>alert('x')</script> & <img src=x onerror=alert(1)/> ]]> </script>";
    static final String TITLE = "EU AI Act record-keeping report";

    private RenderSampleReport() {
    }

    static ObjectNode report() {
        ObjectNode report = JsonBodies.JSON.createObjectNode();
        report.put("object", "compliance.report");
        report.put("format_version", 1);
        report.put("id", "rpt_01KXYZ7Q9M3N4P5R6S7T8V9W0X");
        report.put("kind", "eu-ai-act");
        report.put("title", TITLE);
        report.putNull("workspace");
        report.putNull("subject");
        report.putObject("period").put("from", "2026-11-01T00:00:00Z").put("to", "2026-12-01T00:00:00Z");
        report.put("generated_at", "2026-12-07T08:30:00.123Z");
        ObjectNode log = report.putObject("log");
        log.put("origin", "cairn.example/log");
        log.put("vkey", "cairn.example/log+1a2b3c4d+AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefghij");
        log.put("tree_size", 1234);
        log.put("checkpoint", "cairn.example/log\n1234\nq6Vh3bS0mJ8d2Xc1Zr7pYk4tNw9uLe5aGfHiOjKlMnA=\n\n"
                + "\u2014 cairn.example/log GhIjKlMnOpQrStUvWxYz0123456789abcdefghijklmnopqrstuv==\n");
        log.putObject("range").put("first", 17).put("last", 1201);
        // A member this renderer does not know, with characters XML and ASCII do not carry as they are.
        report.put("x_future_member", "caf\u00e9 \ud83d\ude00 \u0001 \u2028 </script>");

        ArrayNode sections = report.putArray("sections");
        sections.add(art12());
        sections.add(art30());
        sections.add(art14());
        report.put("signature", "Cairn compliance report rpt_01KXYZ7Q9M3N4P5R6S7T8V9W0X\nsha256:"
                + "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\n\n"
                + "\u2014 cairn.example/log GhIjKlMnOpQrStUvWxYz0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH==\n");
        return report;
    }

    private static ObjectNode art12() {
        ObjectNode section = section("art12", "Automatic recording of events", "EU AI Act Art. 12", "EU AI Act Art. 19");
        section.put("summary", "Every request through the gateway was recorded in the signed, append-only audit log.");
        section.put("status", "pass");
        ArrayNode figures = section.putArray("figures");
        ObjectNode entries = figure(figures, "art12.entries", "Entries recorded in the period", "log");
        entries.put("value", 1185);
        entries.putObject("evidence").put("checkpoint_size", 1234).putArray("ranges").addArray().add(17).add(1201);
        ObjectNode byType = figure(figures, "art12.by_type", "Entries by type", "log");
        byType.putObject("value").put("gateway.chat.completions", 1100).put("admin.key.created", 3)
                .put("gateway.embeddings", 82);
        byType.putObject("evidence").putArray("ranges").addArray().add(17).add(1201);

        ObjectNode daily = figure(figures, "art12.daily", "Traffic per day", "log");
        daily.putObject("evidence").putArray("ranges").addArray().add(17).add(1201);
        ArrayNode days = daily.putArray("value");
        ObjectNode guard = figure(figures, "art12.guard_daily", "Guard verdicts per day", "log");
        guard.putObject("evidence").putArray("ranges").addArray().add(17).add(1201);
        ArrayNode verdicts = guard.putArray("value");
        LocalDate day = LocalDate.parse("2026-11-01");
        for (int i = 0; i < 30; i++, day = day.plusDays(1)) {
            int requests = 20 + (i * 7) % 31 + (i % 7 == 5 || i % 7 == 6 ? -15 : 10);
            int failed = i % 4;
            int blocked = i % 9 == 0 ? 2 : i % 3 == 0 ? 1 : 0;
            int flagged = (i * 5) % 6;
            days.addObject().put("day", day.toString()).put("requests", requests).put("ok", requests - failed)
                    .put("failed", failed).put("blocked", blocked).put("flagged", flagged);
            verdicts.addObject().put("day", day.toString()).put("block", blocked).put("flag", flagged)
                    .put("redact", i % 5 == 0 ? 3 : 0);
        }
        section.putArray("notes").add("Entries are counted by their log index; gaps would show as missing indexes.");
        return section;
    }

    private static ObjectNode art30() {
        ObjectNode section = section("art30", "Records of processing: recipients", "GDPR Art. 30(1)(d)");
        section.put("summary", "Providers that received personal data through the gateway in the period.");
        section.put("status", "info");
        ArrayNode figures = section.putArray("figures");
        ObjectNode recipients = figure(figures, "art30.recipients", "Recipients", "log");
        recipients.putObject("evidence").put("note", "provider configuration as of entry 3").putArray("entries").add(3).add(40);
        ArrayNode rows = recipients.putArray("value");
        rows.addObject().put("provider", "openai").put("type", "openai").put("base_url", "https://api.openai.com/v1")
                .put("requests", 1100);
        rows.addObject().put("provider", INJECTED).put("type", "custom").put("base_url", "https://llm.internal/?a=1&b=2")
                .put("requests", 85);
        ObjectNode purpose = figure(figures, "art30.purpose", "Purpose of processing", "attested");
        purpose.put("value", "Answering employee questions & drafting replies " + INJECTED);
        purpose.putObject("evidence").put("checkpoint_size", 1234);
        return section;
    }

    private static ObjectNode art14() {
        ObjectNode section = section("art14", "Human oversight", "EU AI Act Art. 14", "EU AI Act Art. 26(6)");
        section.put("summary", "Reviews and overrides by people, and the retention of the logs they rely on.");
        section.put("status", "fail");
        ArrayNode figures = section.putArray("figures");
        ObjectNode reviewed = figure(figures, "art14.reviewed", "Share of flagged requests reviewed", "log");
        reviewed.put("value", 0.625);
        reviewed.putObject("evidence").putArray("entries").add(140);
        ObjectNode enabled = figure(figures, "art14.oversight_enabled", "Oversight configured", "attested");
        enabled.put("value", true);
        enabled.putObject("evidence").put("checkpoint_size", 1234);
        ObjectNode reviewer = figure(figures, "art14.reviewer", "Named reviewer", "attested");
        reviewer.putNull("value");
        section.putArray("notes")
                .add("Retention is 6 months (Art. 26(6) asks for at least six).")
                .add("Note from the log: " + INJECTED + " \u0001 Zo\u00eb");
        return section;
    }

    private static ObjectNode section(String id, String title, String... articles) {
        ObjectNode section = JsonBodies.JSON.createObjectNode();
        section.put("id", id);
        section.put("title", title);
        ArrayNode list = section.putArray("articles");
        for (String article : articles) {
            list.add(article);
        }
        return section;
    }

    private static ObjectNode figure(ArrayNode figures, String id, String label, String method) {
        return figures.addObject().put("id", id).put("label", label).put("method", method);
    }

    /** Every figure of the report, for tests that walk them all. */
    static List<JsonNode> figures(JsonNode report) {
        List<JsonNode> all = new ArrayList<>();
        for (JsonNode section : report.get("sections")) {
            section.get("figures").forEach(all::add);
        }
        return all;
    }
}
