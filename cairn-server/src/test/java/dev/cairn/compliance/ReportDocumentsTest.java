package dev.cairn.compliance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;

import dev.cairn.platform.JsonBodies;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

class ReportDocumentsTest {

    private final ObjectNode report = RenderSampleReport.report();

    @Test
    void jsonReadsBackAsItIs() {
        assertThat(ReportDocuments.readReport(JsonBodies.JSON.writeValueAsBytes(report))).isEqualTo(report);
    }

    @Test
    void prettyJsonWithAByteOrderMarkReadsToo() {
        String pretty = "\uFEFF\n  " + JsonBodies.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report);
        assertThat(ReportDocuments.readReport(pretty.getBytes(StandardCharsets.UTF_8))).isEqualTo(report);
    }

    @Test
    void aPageThatAnXmlToolWroteAgainStillReads() throws Exception {
        var document = ReportHtmlTest.parse(ReportHtml.render(report));
        StringWriter rewritten = new StringWriter();
        TransformerFactory.newInstance().newTransformer().transform(new DOMSource(document), new StreamResult(rewritten));
        assertThat(ReportDocuments.readReport(rewritten.toString().getBytes(StandardCharsets.UTF_8))).isEqualTo(report);
    }

    @Test
    void garbageIsRefused() {
        byte[] noise = new byte[4096];
        new Random(12).nextBytes(noise);
        noise[0] = 0x07;
        assertRefused(noise, "not a compliance report");
        assertRefused(new byte[0], "empty");
        assertRefused("hello".getBytes(StandardCharsets.UTF_8), "not a compliance report");
    }

    @Test
    void filesThatLookRightButHoldNoReportAreRefused() {
        assertRefused("%PDF-1.7\n%%EOF".getBytes(StandardCharsets.US_ASCII), "cannot be read");
        assertRefused("<html><body><p>hi</p></body></html>".getBytes(StandardCharsets.UTF_8), "no script element");
        assertRefused("{\"object\": \"audit.entry\"}".getBytes(StandardCharsets.UTF_8), "holds no compliance report");
        assertRefused("{\"object\": ".getBytes(StandardCharsets.UTF_8), "not valid JSON");
        String tampered = ReportHtml.render(report).replace("\"compliance.report\"", "\"compliance.report");
        assertRefused(tampered.getBytes(StandardCharsets.UTF_8), "not valid JSON");
    }

    @Test
    void aPdfWithoutTheAttachmentIsRefused() throws Exception {
        byte[] pdf = ReportPdf.render(report);
        try (PDDocument document = Loader.loadPDF(pdf)) {
            document.getDocumentCatalog().setNames(null);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            document.save(out);
            assertRefused(out.toByteArray(), "no embedded file named cairn-report.json");
        }
    }

    private static void assertRefused(byte[] file, String reason) {
        assertThatThrownBy(() -> ReportDocuments.readReport(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(reason);
    }
}
