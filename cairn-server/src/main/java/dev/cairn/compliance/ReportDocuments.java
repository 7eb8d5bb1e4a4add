package dev.cairn.compliance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.cairn.platform.JsonBodies;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentNameDictionary;
import org.apache.pdfbox.pdmodel.PDEmbeddedFilesNameTreeNode;
import org.apache.pdfbox.pdmodel.common.PDNameTreeNode;
import org.apache.pdfbox.pdmodel.common.filespecification.PDComplexFileSpecification;
import org.apache.pdfbox.pdmodel.common.filespecification.PDEmbeddedFile;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;

/**
 * Takes the report back out of a report file, whichever of its three forms the file is: the JSON
 * itself, the HTML page ({@link ReportHtml}) or the PDF ({@link ReportPdf}). A verifier starts here.
 */
public final class ReportDocuments {

    private static final byte[] PDF_MAGIC = "%PDF-".getBytes(StandardCharsets.US_ASCII);

    // Found by scanning rather than by parsing the page as XML, so a page that a browser saved again
    // as plain HTML still reads. The JSON inside holds no '<' (ReportHtml escapes it), so the first
    // "</script" after the opening tag is the element's end.
    private static final Pattern REPORT_SCRIPT = Pattern.compile(
            "<script\\b[^>]*\\bid\\s*=\\s*[\"']" + ReportHtml.REPORT_ELEMENT_ID + "[\"'][^>]*>",
            Pattern.CASE_INSENSITIVE);

    private ReportDocuments() {
    }

    /**
     * The report in {@code file}; throws {@link IllegalArgumentException} when the bytes are not
     * JSON, a report page or a report PDF, or hold no compliance report.
     */
    public static JsonNode readReport(byte[] file) {
        if (file == null || file.length == 0) {
            throw new IllegalArgumentException("The file is empty; expected a compliance report as JSON, HTML or PDF");
        }
        if (startsWith(file, PDF_MAGIC)) {
            return checked(parse(fromPdf(file), "the PDF's attached " + ReportPdf.ATTACHMENT_NAME), "PDF");
        }
        String text = new String(file, StandardCharsets.UTF_8);
        String start = text.stripLeading();
        if (start.startsWith("\uFEFF")) {
            start = start.substring(1).stripLeading();
        }
        if (start.startsWith("{")) {
            return checked(parse(file, "the JSON file"), "JSON file");
        }
        if (start.startsWith("<")) {
            return checked(parse(fromHtml(text), "the page's " + ReportHtml.REPORT_ELEMENT_ID + " element"), "HTML page");
        }
        throw new IllegalArgumentException("The file is not a compliance report: expected JSON, an HTML report page or a PDF report");
    }

    /**
     * Whether what a reader sees in {@code file} is the page or PDF Cairn renders from {@code report},
     * byte for byte: a verifier checks the JSON a file carries, and this checks the file shows that
     * JSON and nothing else. Always true for a JSON file.
     */
    public static boolean showsOnly(byte[] file, JsonNode report) {
        if (startsWith(file, PDF_MAGIC)) {
            return Arrays.equals(file, ReportPdf.render(report));
        }
        String text = new String(file, StandardCharsets.UTF_8);
        return text.stripLeading().startsWith("{") || text.equals(ReportHtml.render(report));
    }

    private static byte[] fromHtml(String page) {
        Matcher open = REPORT_SCRIPT.matcher(page);
        if (!open.find()) {
            throw new IllegalArgumentException("The HTML page holds no report: it has no script element with id \""
                    + ReportHtml.REPORT_ELEMENT_ID + "\"");
        }
        int end = page.toLowerCase(Locale.ROOT).indexOf("</script", open.end());
        if (end < 0) {
            throw new IllegalArgumentException("The HTML page's report element is not closed");
        }
        String json = page.substring(open.end(), end);
        // ReportHtml writes no '&' in the JSON; one here means an XML tool wrote the text again with
        // entities, which are undone to get the same JSON back.
        if (json.contains("&")) {
            json = json.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'")
                    .replace("&amp;", "&");
        }
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] fromPdf(byte[] file) {
        try (PDDocument document = Loader.loadPDF(file)) {
            PDDocumentNameDictionary names = document.getDocumentCatalog().getNames();
            PDEmbeddedFilesNameTreeNode files = names == null ? null : names.getEmbeddedFiles();
            PDComplexFileSpecification spec = files == null ? null : find(files);
            PDEmbeddedFile embedded = spec == null ? null : spec.getEmbeddedFileUnicode() != null
                    ? spec.getEmbeddedFileUnicode()
                    : spec.getEmbeddedFile();
            if (embedded == null) {
                throw new IllegalArgumentException("The PDF holds no report: it has no embedded file named "
                        + ReportPdf.ATTACHMENT_NAME);
            }
            return embedded.toByteArray();
        } catch (IOException e) {
            throw new IllegalArgumentException("The file starts like a PDF but cannot be read as one: " + e.getMessage(), e);
        }
    }

    /** The report's attachment, wherever it sits in the name tree (a tree with many files has kids). */
    private static PDComplexFileSpecification find(PDNameTreeNode<PDComplexFileSpecification> node) throws IOException {
        Map<String, PDComplexFileSpecification> names = node.getNames();
        if (names != null && names.containsKey(ReportPdf.ATTACHMENT_NAME)) {
            return names.get(ReportPdf.ATTACHMENT_NAME);
        }
        if (node.getKids() != null) {
            for (PDNameTreeNode<PDComplexFileSpecification> kid : node.getKids()) {
                PDComplexFileSpecification found = find(kid);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    /** Refuses a member given twice: a reader and a verifier could each take another of the two. */
    private static final ObjectReader STRICT = JsonBodies.JSON.reader()
            .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);

    private static JsonNode parse(byte[] json, String where) {
        try {
            return STRICT.readTree(json);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("The report in " + where + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static JsonNode checked(JsonNode report, String form) {
        if (report == null || !report.isObject() || !"compliance.report".equals(ReportHtml.string(report.get("object")))) {
            throw new IllegalArgumentException("The " + form + " holds no compliance report (no \"object\": \"compliance.report\")");
        }
        return report;
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
