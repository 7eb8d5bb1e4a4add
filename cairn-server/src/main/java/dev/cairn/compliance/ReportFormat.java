package dev.cairn.compliance;

import java.util.Locale;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import tools.jackson.databind.JsonNode;

/** The forms a report is served in: JSON for machines, a self-contained HTML page and a PDF for people. */
enum ReportFormat {
    JSON, HTML, PDF;

    static ReportFormat parse(String text) {
        if (text == null || text.isBlank()) {
            return JSON;
        }
        for (ReportFormat format : values()) {
            if (format.name().toLowerCase(Locale.ROOT).equals(text)) {
                return format;
            }
        }
        throw ComplianceException.invalid("format", "'format' must be one of json, html, pdf");
    }

    ResponseEntity<?> respond(JsonNode report) {
        String name = report.path("id").asString() + "." + name().toLowerCase(Locale.ROOT);
        return switch (this) {
            case JSON -> ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(report);
            case HTML -> ResponseEntity.ok().contentType(new MediaType("text", "html", java.nio.charset.StandardCharsets.UTF_8))
                    .header(HttpHeaders.CONTENT_DISPOSITION, "inline; filename=\"" + name + "\"")
                    // Served from the API's own origin: the page may style itself and do nothing else.
                    .header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
                    .header("X-Content-Type-Options", "nosniff")
                    .body(ReportHtml.render(report));
            case PDF -> ResponseEntity.ok().contentType(MediaType.APPLICATION_PDF)
                    .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + name + "\"")
                    .body(ReportPdf.render(report));
        };
    }
}
