package dev.cairn.compliance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;

import dev.cairn.platform.JsonBodies;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class ReportHtmlTest {

    private final ObjectNode report = RenderSampleReport.report();
    private final String html = ReportHtml.render(report);
    private final Document page = parse(html);

    @Test
    void thePageIsWellFormedXhtml() {
        assertThat(page.getDocumentElement().getLocalName()).isEqualTo("html");
        assertThat(page.getDocumentElement().getNamespaceURI()).isEqualTo("http://www.w3.org/1999/xhtml");
    }

    @Test
    void thePageLoadsNothingAndRunsNothing() {
        assertThat(elements("script")).singleElement()
                .satisfies(script -> assertThat(script.getAttribute("type")).isEqualTo("application/json"));
        for (String tag : List.of("img", "link", "iframe", "object", "embed")) {
            assertThat(elements(tag)).as(tag).isEmpty();
        }
        assertThat(html).doesNotContain(" src=\"").doesNotContain(" href=\"http").doesNotContain("url(").contains("@media print");
    }

    @Test
    void everyFigureLabelAndValueIsOnThePage() {
        String text = bodyText();
        for (JsonNode figure : RenderSampleReport.figures(report)) {
            assertThat(text).contains(figure.get("label").stringValue());
            for (String value : shown(figure.get("value"))) {
                assertThat(text).as(figure.get("id").stringValue()).contains(value);
            }
        }
    }

    @Test
    void theHeaderSaysWhatTheReportCovers() {
        String text = bodyText();
        assertThat(text).contains(RenderSampleReport.TITLE, "eu-ai-act", "all workspaces",
                "2026-11-01T00:00:00Z \u2013 2026-12-01T00:00:00Z", "2026-12-07T08:30:00.123Z", "cairn.example/log",
                "tree size 1234", "17\u20131201");
    }

    @Test
    void sectionsShowArticlesStatusEvidenceAndNotes() {
        String text = bodyText();
        assertThat(text).contains("EU AI Act Art. 12 \u00b7 EU AI Act Art. 19", "PASS", "FAIL", "INFO",
                "entries 17\u20131201 \u00b7 checkpoint 1234", "entries 3, 40 \u00b7 provider configuration as of entry 3",
                "entry 140", "Retention is 6 months", "Zo\u00eb", "attested");
    }

    @Test
    void theFooterCarriesTheVerifierKeyCheckpointAndSignature() {
        List<String> pre = elements("pre").stream().map(Element::getTextContent).toList();
        assertThat(pre).contains(report.at("/log/vkey").stringValue(), report.at("/log/checkpoint").stringValue(),
                report.get("signature").stringValue());
    }

    @Test
    void markupFromTheLogIsShownAsTextNeverAsMarkup() {
        assertThat(html).doesNotContain("<script>alert").doesNotContain("<img").doesNotContain("</script> &");
        assertThat(bodyText()).contains(RenderSampleReport.INJECTED);
    }

    @Test
    void charactersXmlCannotHoldAreReplacedSoThePageStillParses() {
        assertThat(bodyText()).contains("\ufffd Zo\u00eb").doesNotContain("\u0001");
    }

    @Test
    void dailySeriesAreDrawnAsOneRowOfBarsPerSeries() throws Exception {
        var xpath = XPathFactory.newInstance().newXPath();
        NodeList charts = (NodeList) xpath.evaluate("//*[@class='chart']", page, XPathConstants.NODESET);
        assertThat(charts.getLength()).isEqualTo(2);
        NodeList trafficRows = (NodeList) xpath.evaluate("(//*[@class='chart'])[1]//*[local-name()='tr'][*[@class='series']]",
                page, XPathConstants.NODESET);
        assertThat(trafficRows.getLength()).as("requests, ok, failed, blocked, flagged").isEqualTo(5);
        for (int i = 0; i < trafficRows.getLength(); i++) {
            NodeList bars = (NodeList) xpath.evaluate("*[@class='bar']", trafficRows.item(i), XPathConstants.NODESET);
            assertThat(bars.getLength()).isEqualTo(30);
        }
        String guard = xpath.evaluate("string((//*[@class='chart'])[2])", page);
        assertThat(guard).contains("block", "flag", "redact");
    }

    @Test
    void theEmbeddedJsonReadsBackAsTheReport() {
        assertThat(ReportDocuments.readReport(html.getBytes(StandardCharsets.UTF_8))).isEqualTo(report);
        String embedded = elements("script").getFirst().getTextContent();
        assertThat(embedded).doesNotContain("<", ">", "&").matches("\\p{ASCII}*");
        assertThat(JsonBodies.JSON.readTree(embedded)).isEqualTo(report);
    }

    @Test
    void aReportWithoutOptionalPartsStillRenders() {
        ObjectNode bare = JsonBodies.JSON.createObjectNode().put("object", "compliance.report").put("title", "Empty");
        bare.putObject("log").putNull("range");
        Document minimal = parse(ReportHtml.render(bare));
        assertThat(minimal.getDocumentElement().getTextContent()).contains("Empty", "none: the period holds no entries");
    }

    @Test
    void somethingOtherThanAnObjectIsRefused() {
        assertThatThrownBy(() -> ReportHtml.render(JsonBodies.JSON.createArrayNode()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** The strings a value must show: scalars as the page writes them, tables cell by cell. */
    static List<String> shown(JsonNode value) {
        List<String> out = new ArrayList<>();
        if (value.isObject()) {
            for (var member : value.properties()) {
                out.add(member.getKey());
                out.addAll(shown(member.getValue()));
            }
        } else if (value.isArray()) {
            value.forEach(item -> out.addAll(shown(item)));
        } else if (value.isNull()) {
            out.add("none");
        } else if (value.isBoolean()) {
            out.add(value.booleanValue() ? "yes" : "no");
        } else if (value.isString()) {
            out.add(value.stringValue());
        } else {
            out.add(value.toString());
        }
        return out;
    }

    private String bodyText() {
        return elements("body").getFirst().getTextContent().replace("\u00a0", " ");
    }

    private List<Element> elements(String tag) {
        NodeList nodes = page.getElementsByTagNameNS("http://www.w3.org/1999/xhtml", tag);
        List<Element> list = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            list.add((Element) nodes.item(i));
        }
        return list;
    }

    static Document parse(String xhtml) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xhtml.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new AssertionError("The page is not well-formed XML: " + e.getMessage(), e);
        }
    }
}
