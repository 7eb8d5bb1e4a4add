package dev.cairn.compliance;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Calendar;
import java.util.GregorianCalendar;
import java.util.Map;
import java.util.Objects;
import java.util.TimeZone;
import java.util.logging.Level;

import com.openhtmltopdf.outputdevice.helper.ExternalResourceControlPriority;
import com.openhtmltopdf.pdfboxout.PdfBoxRenderer;
import com.openhtmltopdf.pdfboxout.PdfRendererBuilder;
import com.openhtmltopdf.util.Diagnostic;
import com.openhtmltopdf.util.XRLog;
import com.openhtmltopdf.util.XRLogger;
import dev.cairn.platform.JsonBodies;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSString;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentCatalog;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDDocumentNameDictionary;
import org.apache.pdfbox.pdmodel.PDEmbeddedFilesNameTreeNode;
import org.apache.pdfbox.pdmodel.common.filespecification.PDComplexFileSpecification;
import org.apache.pdfbox.pdmodel.common.filespecification.PDEmbeddedFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Renders a compliance report as PDF: {@link ReportHtml}'s page laid out by openhtmltopdf (no
 * browser), with the report's JSON attached as the embedded file {@value #ATTACHMENT_NAME} so the
 * PDF can be verified on its own.
 *
 * <p>Text uses the PDF base-14 fonts (Helvetica, Courier): every reader has them, nothing is
 * embedded, and layout takes their widths from the metrics inside PDFBox, so the same report makes
 * the same bytes on any machine whatever fonts it has. Their WinAnsi character set covers Western
 * European text; other characters show as '#' in the PDF (the attached JSON keeps them exact).
 */
public final class ReportPdf {

    /** The name of the embedded file that holds the report JSON. */
    public static final String ATTACHMENT_NAME = "cairn-report.json";

    static {
        // openhtmltopdf logs through its own console handler unless given a logger; this sends it
        // to the application's log instead, set before its first message.
        XRLog.setLoggerImpl(new Slf4jXRLogger());
    }

    private ReportPdf() {
    }

    /** The PDF for {@code report}; throws {@link IllegalArgumentException} when it is not a JSON object. */
    public static byte[] render(JsonNode report) {
        String html = ReportHtml.render(report);
        byte[] json = JsonBodies.JSON.writeValueAsBytes(report);
        Calendar generated = generatedAt(report);
        PdfRendererBuilder builder = new PdfRendererBuilder()
                .useFastMode()
                .withHtmlContent(html, null)
                .withProducer("Cairn")
                // The page references nothing; refusing every fetch keeps it that way whatever the log held.
                .useExternalResourceAccessControl((uri, type) -> false, ExternalResourceControlPriority.RUN_BEFORE_RESOLVING_URI)
                .useExternalResourceAccessControl((uri, type) -> false, ExternalResourceControlPriority.RUN_AFTER_RESOLVING_URI);
        try (PdfBoxRenderer renderer = builder.buildPdfRenderer();
             PDDocument document = renderer.createPDFKeepOpen()) {
            attach(document, json, generated);
            stamp(document, report, json, generated);
            ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
            document.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not render the compliance report as PDF", e);
        }
    }

    private static void attach(PDDocument document, byte[] json, Calendar generated) throws IOException {
        PDEmbeddedFile file = new PDEmbeddedFile(document, new ByteArrayInputStream(json));
        file.setSubtype("application/json");
        file.setSize(json.length);
        file.setCreationDate(generated);
        file.setModDate(generated);

        PDComplexFileSpecification spec = new PDComplexFileSpecification();
        spec.setFile(ATTACHMENT_NAME);
        spec.setFileUnicode(ATTACHMENT_NAME);
        spec.setEmbeddedFile(file);
        spec.setEmbeddedFileUnicode(file);
        spec.setFileDescription("The compliance report rendered in this PDF, as signed JSON");
        // PDF 2.0 / PDF/A-3 say how an attachment relates to the document: it is the data shown.
        spec.getCOSObject().setName(COSName.getPDFName("AFRelationship"), "Data");

        PDEmbeddedFilesNameTreeNode files = new PDEmbeddedFilesNameTreeNode();
        files.setNames(Map.of(ATTACHMENT_NAME, spec));
        PDDocumentCatalog catalog = document.getDocumentCatalog();
        PDDocumentNameDictionary names = new PDDocumentNameDictionary(catalog);
        names.setEmbeddedFiles(files);
        catalog.setNames(names);
        COSArray associated = new COSArray();
        associated.add(spec);
        catalog.getCOSObject().setItem(COSName.getPDFName("AF"), associated);
    }

    /**
     * Replaces what would make two renderings of one report differ: the creation time (the
     * report's own) and the file identifier, which PDFBox would otherwise derive from the clock.
     */
    private static void stamp(PDDocument document, JsonNode report, byte[] json, Calendar generated) {
        PDDocumentInformation info = document.getDocumentInformation();
        info.setCreationDate(generated);
        info.setModificationDate(generated);
        info.setCreator("Cairn");
        info.setSubject("Cairn compliance report (" + Objects.requireNonNullElse(ReportHtml.string(report.get("kind")), "unknown kind") + ")");
        // openhtmltopdf copies the page's <meta name> tags into the info; the viewport hint means nothing in a PDF.
        info.getCOSObject().removeItem(COSName.getPDFName("viewport"));
        byte[] id = Arrays.copyOf(sha256(json), 16);
        COSArray ids = new COSArray();
        ids.add(new COSString(id));
        ids.add(new COSString(id));
        document.getDocument().setDocumentID(ids);
    }

    private static Calendar generatedAt(JsonNode report) {
        Instant instant = Instant.EPOCH;
        String text = ReportHtml.string(report == null ? null : report.get("generated_at"));
        if (text != null) {
            try {
                instant = Instant.parse(text);
            } catch (DateTimeParseException e) {
                // An unreadable time is shown as written on the page; the PDF's metadata falls back to the epoch.
            }
        }
        Calendar calendar = new GregorianCalendar(TimeZone.getTimeZone("UTC"));
        calendar.setTimeInMillis(instant.toEpochMilli());
        return calendar;
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /**
     * openhtmltopdf's messages in the application's log. Its warnings are about the fixed page
     * (CSS it does not know, such as print-color-adjust for browsers), so they are debug; only its
     * errors are warnings here.
     */
    private static final class Slf4jXRLogger implements XRLogger {

        @Override
        public void log(String where, Level level, String message) {
            log(where, level, message, null);
        }

        @Override
        public void log(String where, Level level, String message, Throwable error) {
            Logger logger = LoggerFactory.getLogger(where);
            if (level.intValue() >= Level.SEVERE.intValue()) {
                logger.warn(message, error);
            } else {
                logger.debug(message, error);
            }
        }

        @Override
        public void setLevel(String logger, Level level) {
            // Levels are the application's logging configuration, not the library's.
        }

        @Override
        public boolean isLogLevelEnabled(Diagnostic diagnostic) {
            Logger logger = LoggerFactory.getLogger(diagnostic.getLogMessageId().getWhere());
            return diagnostic.getLevel().intValue() >= Level.SEVERE.intValue() ? logger.isWarnEnabled() : logger.isDebugEnabled();
        }
    }
}
