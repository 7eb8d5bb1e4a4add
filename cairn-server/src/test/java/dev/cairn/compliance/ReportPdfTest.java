package dev.cairn.compliance;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import javax.imageio.ImageIO;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.rendering.ImageType;
import org.apache.pdfbox.rendering.PDFRenderer;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class ReportPdfTest {

    // Rendered once: laying out a report takes about a second, and every test reads the same one.
    private static final ObjectNode REPORT = RenderSampleReport.report();
    private static final byte[] PDF = ReportPdf.render(REPORT);

    @Test
    void itIsAPdfWithPages() throws IOException {
        assertThat(new String(PDF, 0, 5, StandardCharsets.US_ASCII)).isEqualTo("%PDF-");
        try (PDDocument document = Loader.loadPDF(PDF)) {
            assertThat(document.getNumberOfPages()).isGreaterThan(1);
            assertThat(document.getDocumentInformation().getTitle()).isEqualTo(RenderSampleReport.TITLE);
        }
    }

    @Test
    void itsTextHoldsTheTitleSectionsAndFigureValues() throws IOException {
        String text;
        try (PDDocument document = Loader.loadPDF(PDF)) {
            text = new PDFTextStripper().getText(document);
        }
        // Line breaks fall wherever the layout put them; compare words, not lines.
        String flat = text.replaceAll("\\s+", " ");
        assertThat(flat).contains(RenderSampleReport.TITLE, "all workspaces", "entries 17\u20131201 \u00b7 checkpoint 1234");
        for (JsonNode section : REPORT.get("sections")) {
            assertThat(flat).contains(section.get("title").stringValue());
        }
        for (JsonNode figure : RenderSampleReport.figures(REPORT)) {
            assertThat(flat).contains(figure.get("label").stringValue());
            for (String value : ReportHtmlTest.shown(figure.get("value"))) {
                assertThat(flat).as(figure.get("id").stringValue()).contains(value.replaceAll("\\s+", " "));
            }
        }
    }

    @Test
    void theAttachedJsonReadsBackAsTheReport() {
        assertThat(ReportDocuments.readReport(PDF)).isEqualTo(REPORT);
    }

    @Test
    void oneReportRendersToTheSameBytesEachTime() {
        assertThat(Arrays.equals(ReportPdf.render(REPORT), PDF)).isTrue();
    }

    @Test
    void theChartsAreDrawnInTheirColours(@TempDir Path dir) throws IOException {
        // The first page holds the header, the first section's figures and its traffic chart.
        BufferedImage image;
        try (PDDocument document = Loader.loadPDF(PDF)) {
            image = new PDFRenderer(document).renderImageWithDPI(0, 110, ImageType.RGB);
        }
        Path png = dir.resolve("page-1.png");
        ImageIO.write(image, "png", png.toFile());
        assertThat(Files.size(png)).isPositive();
        assertThat(pixels(image, 0x3f6aa1)).as("requests bars").isGreaterThan(300);
        assertThat(pixels(image, 0x2f8a55)).as("ok bars").isGreaterThan(300);
        assertThat(pixels(image, 0xc0392b)).as("failed bars").isGreaterThan(50);
    }

    private static int pixels(BufferedImage image, int rgb) {
        int count = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int p = image.getRGB(x, y) & 0xffffff;
                if (close(p >> 16, rgb >> 16) && close(p >> 8 & 0xff, rgb >> 8 & 0xff) && close(p & 0xff, rgb & 0xff)) {
                    count++;
                }
            }
        }
        return count;
    }

    private static boolean close(int a, int b) {
        return Math.abs((a & 0xff) - (b & 0xff)) <= 6;
    }
}
