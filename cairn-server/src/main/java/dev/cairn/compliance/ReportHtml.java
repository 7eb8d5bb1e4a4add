package dev.cairn.compliance;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import dev.cairn.platform.JsonBodies;
import tools.jackson.core.json.JsonWriteFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectWriter;

/**
 * Renders a compliance report as one self-contained, printable XHTML page that carries the report's
 * JSON, so the page is both what a person reads and what a verifier checks.
 *
 * <p>The page is well-formed XML because {@link ReportPdf} lays it out with an XML parser. It loads
 * nothing and runs nothing: styles are inline and the charts are plain bars drawn with CSS, which
 * both a browser and the PDF renderer draw the same way. Every string comes from the audit log and
 * is escaped as untrusted.
 */
public final class ReportHtml {

    /** The id of the {@code <script type="application/json">} element that holds the report. */
    static final String REPORT_ELEMENT_ID = "cairn-report";

    // ASCII-only JSON, so the embedded copy survives any page encoding and holds no character that
    // XML forbids; '<', '>' and '&' are escaped on top (see embed).
    private static final ObjectWriter EMBEDDED_JSON = JsonBodies.JSON.writer().with(JsonWriteFeature.ESCAPE_NON_ASCII);

    private static final String METHOD_LEGEND = "Method: \u201clog\u201d figures can be recomputed from the cited log "
            + "entries; \u201cattested\u201d figures are the operator's state, signed but not recomputable.";

    private ReportHtml() {
    }

    /** The page for {@code report}; throws {@link IllegalArgumentException} when it is not a JSON object. */
    public static String render(JsonNode report) {
        if (report == null || !report.isObject()) {
            throw new IllegalArgumentException("A compliance report is a JSON object");
        }
        Markup page = new Markup();
        page.raw("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n")
                .raw("<meta charset=\"UTF-8\"/>\n")
                .raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n")
                .element("title", orDash(string(report.get("title")))).raw("\n")
                .raw("<style>\n").raw(STYLE).raw("</style>\n</head>\n<body>\n");
        header(page, report);
        page.open("main");
        int sectionIndex = 0;
        for (JsonNode section : elements(report.get("sections"))) {
            section(page, section, ++sectionIndex);
        }
        page.close("main");
        footer(page, report);
        embed(page, report);
        page.raw("</body>\n</html>\n");
        return page.toString();
    }

    private static void header(Markup page, JsonNode report) {
        page.open("header", "class", "report-head");
        page.element("p", "Cairn compliance report", "class", "eyebrow");
        page.element("h1", orDash(string(report.get("title"))));
        page.open("table", "class", "meta").open("tbody");
        metaRow(page, "Kind", orDash(string(report.get("kind"))));
        JsonNode workspace = report.get("workspace");
        metaRow(page, "Workspace", workspace == null || workspace.isNull() ? "all workspaces" : scalar(workspace));
        JsonNode subject = report.get("subject");
        if (subject != null && !subject.isNull()) {
            metaRow(page, "Data subject", scalar(subject));
        }
        JsonNode period = report.path("period");
        metaRow(page, "Period", orDash(string(period.get("from"))) + " \u2013 " + orDash(string(period.get("to"))));
        metaRow(page, "Generated", orDash(string(report.get("generated_at"))));
        JsonNode log = report.path("log");
        metaRow(page, "Log", orDash(string(log.get("origin"))));
        metaRow(page, "Checkpoint", "tree size " + orDash(string(log.get("tree_size"))));
        JsonNode range = log.get("range");
        metaRow(page, "Entries read", range == null || range.isNull()
                ? "none: the period holds no entries"
                : span(range.get("first"), range.get("last")));
        metaRow(page, "Report", orDash(string(report.get("id"))) + " \u00b7 format " + orDash(string(report.get("format_version"))));
        page.close("tbody").close("table");
        page.close("header");
    }

    private static void metaRow(Markup page, String name, String value) {
        page.open("tr").element("th", name).element("td", value).close("tr");
    }

    private static void section(Markup page, JsonNode section, int sectionIndex) {
        page.open("section", "class", "section");
        page.open("h2").text(orDash(string(section.get("title"))));
        String status = string(section.get("status"));
        if (status != null) {
            // The class comes from a fixed set; an unknown status is still shown, in the neutral style.
            String known = switch (status) {
                case "pass", "fail", "info" -> status;
                default -> "other";
            };
            page.text(" ").element("span", status.toUpperCase(Locale.ROOT), "class", "status status-" + known);
        }
        page.close("h2");
        List<String> articles = new ArrayList<>();
        for (JsonNode article : elements(section.get("articles"))) {
            articles.add(scalar(article));
        }
        if (!articles.isEmpty()) {
            page.element("p", String.join(" \u00b7 ", articles), "class", "articles");
        }
        String summary = string(section.get("summary"));
        if (summary != null) {
            page.element("p", summary, "class", "summary");
        }

        List<JsonNode> detailed = figures(page, elements(section.get("figures")), "f" + sectionIndex + "-");
        for (int i = 0; i < detailed.size(); i++) {
            detail(page, detailed.get(i), "f" + sectionIndex + "-" + (i + 1));
        }

        List<JsonNode> notes = elements(section.get("notes"));
        if (!notes.isEmpty()) {
            page.element("h3", "Notes");
            page.open("ul", "class", "notes");
            for (JsonNode note : notes) {
                page.element("li", scalar(note));
            }
            page.close("ul");
        }
        page.close("section");
    }

    /**
     * The table of figures, one row each. A value that is itself rows does not fit a cell: the cell
     * links to it, and the figures returned are drawn after the table, anchored {@code anchorPrefix + n}.
     */
    private static List<JsonNode> figures(Markup page, List<JsonNode> figures, String anchorPrefix) {
        List<JsonNode> detailed = new ArrayList<>();
        if (figures.isEmpty()) {
            return detailed;
        }
        page.open("table", "class", "figures");
        page.open("thead").open("tr")
                .element("th", "Figure", "class", "c-label")
                .element("th", "Value", "class", "c-value")
                .element("th", "Method", "class", "c-method")
                .element("th", "Evidence", "class", "c-evidence")
                .close("tr").close("thead");
        page.open("tbody");
        for (JsonNode figure : figures) {
            page.open("tr");
            page.element("td", orDash(string(figure.get("label"))), "class", "label");
            page.open("td", "class", "value");
            JsonNode value = figure.get("value");
            if (isTable(value)) {
                detailed.add(figure);
                String rows = value.size() + (value.size() == 1 ? " row" : " rows") + ", below";
                page.open("a", "href", "#" + anchorPrefix + detailed.size()).text(rows).close("a");
            } else {
                value(page, value);
            }
            page.close("td");
            String method = string(figure.get("method"));
            page.element("td", orDash(method), "class", "method method-" + ("attested".equals(method) ? "attested" : "log"));
            page.element("td", orDash(evidence(figure.get("evidence"))), "class", "evidence");
            page.close("tr");
        }
        page.close("tbody").close("table");
        page.element("p", METHOD_LEGEND, "class", "caption");
        return detailed;
    }

    /** A figure whose value is rows: its chart when it is a daily series, then its table. */
    private static void detail(Markup page, JsonNode figure, String anchor) {
        page.open("div", "class", "detail", "id", anchor);
        page.element("h3", orDash(string(figure.get("label"))));
        String id = string(figure.get("id"));
        if (id != null && id.endsWith("daily")) {
            DailyChart.render(page, figure.get("value"));
        }
        List<JsonNode> rows = elements(figure.get("value"));
        Set<String> columns = new LinkedHashSet<>();
        for (JsonNode row : rows) {
            columns.addAll(row.propertyNames());
        }
        page.open("table", "class", "data");
        page.open("thead").open("tr");
        for (String column : columns) {
            page.element("th", column, "class", numeric(rows, column) ? "num" : "txt");
        }
        page.close("tr").close("thead").open("tbody");
        for (JsonNode row : rows) {
            page.open("tr");
            for (String column : columns) {
                JsonNode cell = row.get(column);
                page.element("td", cell == null ? "" : scalar(cell), "class", cell != null && cell.isNumber() ? "num" : "txt");
            }
            page.close("tr");
        }
        page.close("tbody").close("table");
        page.close("div");
    }

    /** A column of numbers (missing cells aside) is right-aligned, its heading too. */
    private static boolean numeric(List<JsonNode> rows, String column) {
        for (JsonNode row : rows) {
            JsonNode cell = row.get(column);
            if (cell != null && !cell.isNull() && !cell.isNumber()) {
                return false;
            }
        }
        return true;
    }

    /** A scalar as text, an object as a two-column table, a list of scalars as a list. */
    private static void value(Markup page, JsonNode value) {
        if (value != null && value.isObject()) {
            page.open("table", "class", "kv").open("tbody");
            for (var member : value.properties()) {
                page.open("tr").element("th", member.getKey()).element("td", scalar(member.getValue())).close("tr");
            }
            page.close("tbody").close("table");
        } else if (value != null && value.isArray()) {
            List<String> items = new ArrayList<>();
            for (JsonNode item : value) {
                items.add(scalar(item));
            }
            page.text(String.join(", ", items));
        } else {
            page.text(scalar(value));
        }
    }

    /** Rows: a non-empty array whose every element is an object. */
    private static boolean isTable(JsonNode value) {
        if (value == null || !value.isArray() || value.isEmpty()) {
            return false;
        }
        for (JsonNode row : value) {
            if (!row.isObject()) {
                return false;
            }
        }
        return true;
    }

    /** "entries 17–1201, 1300 · checkpoint 1234 · note": where in the log a figure can be checked. */
    static String evidence(JsonNode evidence) {
        if (evidence == null || !evidence.isObject()) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        List<String> indexes = new ArrayList<>();
        boolean plural = false;
        for (JsonNode range : elements(evidence.get("ranges"))) {
            if (range.isArray() && range.size() == 2) {
                String text = span(range.get(0), range.get(1));
                plural |= text.contains("\u2013");
                indexes.add(text);
            } else {
                indexes.add(scalar(range));
            }
        }
        for (JsonNode entry : elements(evidence.get("entries"))) {
            indexes.add(scalar(entry));
        }
        if (!indexes.isEmpty()) {
            parts.add((indexes.size() > 1 || plural ? "entries " : "entry ") + String.join(", ", indexes));
        }
        JsonNode checkpoint = evidence.get("checkpoint_size");
        if (checkpoint != null && !checkpoint.isNull()) {
            parts.add("checkpoint " + scalar(checkpoint));
        }
        String note = string(evidence.get("note"));
        if (note != null) {
            parts.add(note);
        }
        return parts.isEmpty() ? null : String.join(" \u00b7 ", parts);
    }

    private static String span(JsonNode first, JsonNode last) {
        String from = scalar(first);
        String to = scalar(last);
        return from.equals(to) ? from : from + "\u2013" + to;
    }

    private static void footer(Markup page, JsonNode report) {
        JsonNode log = report.path("log");
        page.open("footer", "class", "verification");
        page.element("h2", "Verification");
        page.element("p", "This page carries the report as JSON (the script element with id \u201c" + REPORT_ELEMENT_ID
                + "\u201d). Verify its signature with the log's verifier key, and each log figure against the signed "
                + "checkpoint and the entries it cites.", "class", "caption");
        page.element("h3", "Log verifier key");
        page.element("pre", orDash(string(log.get("vkey"))));
        page.element("h3", "Signed checkpoint");
        page.element("pre", orDash(string(log.get("checkpoint"))));
        page.element("h3", "Report signature");
        page.element("pre", orDash(string(report.get("signature"))));
        page.close("footer");
    }

    /**
     * The report as JSON inside the page. The text is ASCII with '<', '>' and '&' written as JSON
     * escapes: outside a string they cannot occur, and inside one "\u003c" means the same as '<', so
     * the JSON reads back equal while no "</script" or XML markup can appear in it.
     */
    private static void embed(Markup page, JsonNode report) {
        String json = EMBEDDED_JSON.writeValueAsString(report)
                .replace("<", "\\u003c")
                .replace(">", "\\u003e")
                .replace("&", "\\u0026");
        page.raw("<script type=\"application/json\" id=\"" + REPORT_ELEMENT_ID + "\">").raw(json).raw("</script>\n");
    }

    static List<JsonNode> elements(JsonNode array) {
        List<JsonNode> list = new ArrayList<>();
        if (array != null && array.isArray()) {
            array.forEach(list::add);
        }
        return list;
    }

    /** A member as text, or null when it is missing or null. */
    static String string(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode() ? null : scalar(node);
    }

    /** How a value reads in a cell: strings as they are, numbers as written, anything nested as JSON. */
    static String scalar(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return "none";
        }
        if (node.isString()) {
            return node.stringValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue() ? "yes" : "no";
        }
        return node.toString();
    }

    private static String orDash(String text) {
        return text == null ? "\u2014" : text;
    }

    /**
     * Per-day bar charts as CSS boxes: one row of bars per numeric series (requests, ok, failed, ...),
     * each row on its own scale so a series of ones is as readable as one of thousands.
     */
    private static final class DailyChart {

        private static final Pattern ISO_DAY = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
        private static final double ROW_HEIGHT_PT = 30;

        private static void render(Markup page, JsonNode days) {
            List<JsonNode> rows = elements(days);
            List<String> series = new ArrayList<>();
            for (JsonNode row : rows) {
                for (var member : row.properties()) {
                    if (!member.getKey().equals("day") && member.getValue().isNumber() && !series.contains(member.getKey())) {
                        series.add(member.getKey());
                    }
                }
            }
            if (rows.isEmpty() || series.isEmpty()) {
                return;
            }
            page.open("div", "class", "chart");
            page.open("table", "class", "bars").open("tbody");
            for (String name : series) {
                double peak = 0;
                double total = 0;
                for (JsonNode row : rows) {
                    double v = number(row.get(name));
                    peak = Math.max(peak, v);
                    total += v;
                }
                String color = color(name, series.indexOf(name));
                page.open("tr");
                page.open("th", "class", "series")
                        .element("span", "\u00a0", "class", "swatch", "style", "background-color:" + color)
                        .text(" " + name)
                        .element("span", "total " + plain(total) + " \u00b7 peak " + plain(peak), "class", "peak")
                        .close("th");
                for (JsonNode row : rows) {
                    double v = number(row.get(name));
                    page.open("td", "class", "bar", "title", string(row.get("day")) + " \u00b7 " + name + " " + plain(v));
                    if (v > 0 && peak > 0) {
                        // At least a hairline, so a day with one event is not drawn as a day with none.
                        double height = Math.max(1, Math.round(v / peak * ROW_HEIGHT_PT * 10) / 10.0);
                        page.open("div", "class", "b", "style", "height:" + height + "pt;background-color:" + color
                                + ";border-top:0.5pt solid " + color).close("div");
                    }
                    page.close("td");
                }
                page.close("tr");
            }
            int every = Math.max(1, (rows.size() + 30) / 31);
            page.open("tr").element("th", "day", "class", "axis");
            for (int i = 0; i < rows.size(); i++) {
                String day = orDash(string(rows.get(i).get("day")));
                String tick = ISO_DAY.matcher(day).matches() ? day.substring(8) : day;
                page.element("td", i % every == 0 ? tick : "", "class", "tick");
            }
            page.close("tr");
            page.close("tbody").close("table");
            String first = orDash(string(rows.getFirst().get("day")));
            String last = orDash(string(rows.getLast().get("day")));
            page.element("p", "One bar per day, " + first + " to " + last
                    + "; each row has its own scale, its peak written beside it.", "class", "caption");
            page.close("div");
        }

        private static double number(JsonNode node) {
            return node != null && node.isNumber() ? node.doubleValue() : 0;
        }

        private static String plain(double v) {
            return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
        }

        // Outcomes and verdicts keep the same colour wherever they appear; other series take the palette.
        private static String color(String series, int index) {
            return switch (series) {
                case "requests" -> "#3f6aa1";
                case "ok" -> "#2f8a55";
                case "failed", "block" -> "#c0392b";
                case "blocked" -> "#7d3c98";
                case "flagged", "flag" -> "#d68910";
                case "redact", "redacted" -> "#5d6d7e";
                default -> PALETTE[index % PALETTE.length];
            };
        }

        private static final String[] PALETTE = {"#1f77b4", "#17becf", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22"};
    }

    /**
     * An XHTML writer whose tag and attribute names are the caller's constants, and whose text and
     * attribute values are always escaped: the one place untrusted strings enter the page.
     */
    private static final class Markup {

        private final StringBuilder out = new StringBuilder(32 * 1024);

        Markup raw(String markup) {
            out.append(markup);
            return this;
        }

        Markup open(String tag, String... attributes) {
            out.append('<').append(tag);
            for (int i = 0; i < attributes.length; i += 2) {
                out.append(' ').append(attributes[i]).append("=\"");
                escape(attributes[i + 1], true);
                out.append('"');
            }
            out.append('>');
            return this;
        }

        Markup close(String tag) {
            out.append("</").append(tag).append('>');
            return this;
        }

        Markup text(String text) {
            escape(text, false);
            return this;
        }

        Markup element(String tag, String text, String... attributes) {
            return open(tag, attributes).text(text).close(tag);
        }

        /** Escapes markup, and replaces what XML 1.0 cannot hold at all (most controls, lone surrogates). */
        private void escape(String text, boolean attribute) {
            for (int i = 0; i < text.length(); ) {
                int c = text.codePointAt(i);
                i += Character.charCount(c);
                switch (c) {
                    case '<' -> out.append("&lt;");
                    case '>' -> out.append("&gt;");
                    case '&' -> out.append("&amp;");
                    case '"' -> out.append(attribute ? "&quot;" : "\"");
                    // Newlines and tabs in an attribute would be normalised to spaces by the parser.
                    case '\n' -> out.append(attribute ? "&#10;" : "\n");
                    case '\t' -> out.append(attribute ? "&#9;" : "\t");
                    case '\r' -> out.append("&#13;");
                    default -> {
                        boolean allowed = c >= 0x20 && c <= 0xD7FF || c >= 0xE000 && c <= 0xFFFD || c >= 0x10000;
                        out.appendCodePoint(allowed ? c : 0xFFFD);
                    }
                }
            }
        }

        @Override
        public String toString() {
            return out.toString();
        }
    }

    private static final String STYLE = """
            @page {
              size: A4;
              margin: 16mm 14mm 18mm 14mm;
              @bottom-left { content: "Cairn compliance report"; font-family: Helvetica, Arial, sans-serif; font-size: 7.5pt; color: #6b7580; }
              @bottom-right { content: "Page " counter(page) " of " counter(pages); font-family: Helvetica, Arial, sans-serif; font-size: 7.5pt; color: #6b7580; }
            }
            html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
            body { font-family: Helvetica, Arial, sans-serif; font-size: 9.5pt; line-height: 1.35; color: #1d232b;
                   max-width: 760pt; margin: 18pt auto; padding: 0 12pt; }
            header, main, section, footer { display: block; }
            h1 { font-size: 18pt; margin: 0 0 8pt 0; }
            h2 { font-size: 13pt; margin: 0 0 4pt 0; page-break-after: avoid; }
            h3 { font-size: 10.5pt; margin: 12pt 0 4pt 0; page-break-after: avoid; }
            p { margin: 0 0 6pt 0; }
            a { color: #2d5a8c; }
            .eyebrow { text-transform: uppercase; letter-spacing: 1pt; font-size: 7.5pt; color: #5b6673; margin: 0 0 2pt 0; }
            table { border-collapse: collapse; width: 100%; }
            th, td { text-align: left; vertical-align: top; padding: 3pt 5pt; border-bottom: 0.75pt solid #d5dae0; word-wrap: break-word; }
            thead { display: table-header-group; }
            thead th { background-color: #eef1f4; font-size: 7.5pt; text-transform: uppercase; color: #4a5562; }
            tr { page-break-inside: avoid; }
            .meta { margin-bottom: 6pt; }
            .meta th { width: 24%; color: #4a5562; font-weight: normal; }
            .section { margin-top: 18pt; padding-top: 8pt; border-top: 2pt solid #1d232b; }
            .articles { color: #4a5562; font-size: 8.5pt; margin-bottom: 4pt; }
            .status { font-size: 8pt; font-weight: bold; padding: 1pt 5pt; border: 0.75pt solid #6b7580; color: #4a5562; background-color: #f0f2f4; }
            .status-pass { color: #1e6b3a; border-color: #1e6b3a; background-color: #e3f3e8; }
            .status-fail { color: #a32020; border-color: #a32020; background-color: #fbe5e5; }
            .status-info { color: #2d4f7c; border-color: #2d4f7c; background-color: #e6eef8; }
            .figures { table-layout: fixed; margin-top: 6pt; }
            .figures .c-label { width: 27%; }
            .figures .c-value { width: 37%; }
            .figures .c-method { width: 10%; }
            .figures .c-evidence { width: 26%; }
            .label { font-weight: bold; }
            .method { font-size: 8pt; }
            .method-attested { color: #8a5a00; }
            .evidence { font-size: 8pt; color: #4a5562; }
            .kv th, .kv td { padding: 1pt 4pt; border-bottom: 0.5pt solid #e3e7eb; font-size: 8.5pt; }
            .kv th { font-weight: normal; color: #4a5562; }
            .caption { font-size: 7.5pt; color: #5b6673; margin-top: 3pt; }
            .detail { margin-top: 8pt; }
            .data th, .data td { font-size: 7.5pt; padding: 1.5pt 4pt; }
            .data thead th { text-transform: none; }
            .data .num { text-align: right; }
            .chart { page-break-inside: avoid; margin: 4pt 0 8pt 0; }
            .bars { table-layout: fixed; }
            .bars th.series { width: 22%; font-weight: normal; font-size: 8pt; vertical-align: bottom; padding: 0 6pt 2pt 0; border-bottom: 0.75pt solid #9aa4ae; }
            .bars th.axis { font-weight: normal; font-size: 6.5pt; color: #5b6673; padding: 1pt 6pt 0 0; border-bottom: none; }
            .bars td.bar { height: 30pt; vertical-align: bottom; padding: 0 0.75pt; border-bottom: 0.75pt solid #9aa4ae; }
            .bars td.tick { font-size: 6pt; color: #5b6673; text-align: center; padding: 1pt 0 0 0; border-bottom: none; }
            .b { font-size: 1pt; line-height: 1pt; }
            .swatch { font-size: 7pt; }
            .peak { display: block; font-size: 6.5pt; color: #5b6673; }
            .notes { margin: 0 0 0 14pt; padding: 0; }
            pre { font-family: Courier, "Courier New", monospace; font-size: 7.5pt; line-height: 1.25; white-space: pre-wrap; word-wrap: break-word;
                  background-color: #f5f7f9; border: 0.75pt solid #d5dae0; padding: 5pt; margin: 0 0 6pt 0; }
            .verification { margin-top: 22pt; padding-top: 8pt; border-top: 2pt solid #1d232b; }
            script { display: none; }
            @media print {
              body { margin: 0; padding: 0; max-width: none; font-size: 9pt; }
              a { color: inherit; text-decoration: none; }
              .verification { page-break-before: always; }
            }
            """;
}
