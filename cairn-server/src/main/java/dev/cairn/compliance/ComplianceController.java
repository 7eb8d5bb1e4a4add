package dev.cairn.compliance;

import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

import dev.cairn.access.Principal;
import dev.cairn.access.Role;
import dev.cairn.audit.MasterKey;
import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.PageLimit;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Compliance reports (docs/compliance.md): {@code GET /v1/compliance/reports?kind=…} makes one, signs
 * it, records it in the log and keeps it; without {@code kind} it lists the kept ones;
 * {@code /reports/{id}} gives one back. {@code format} is {@code json}, {@code html} or {@code pdf}.
 * Auditor and admin keys read reports; a subject's access report, which opens personal content,
 * needs an admin key.
 */
@RestController
@RequestMapping("/v1/compliance/reports")
class ComplianceController {

    private static final int DEFAULT_PAGE = 20;
    private static final int MAX_PAGE = 100;
    private static final Pattern REPORT_ID = Pattern.compile("rpt_[0-9A-HJKMNP-TV-Z]{26}");

    private final ComplianceReports reports;
    private final MasterKey masterKey;

    ComplianceController(ComplianceReports reports, MasterKey masterKey) {
        this.reports = reports;
        this.masterKey = masterKey;
    }

    @GetMapping
    ResponseEntity<?> reports(@RequestParam(required = false) String kind, @RequestParam(required = false) String from,
                              @RequestParam(required = false) String to, @RequestParam(required = false) String workspace,
                              @RequestParam(required = false) String subject,
                              @RequestParam(name = "subject_id", required = false) String subjectId,
                              @RequestParam(required = false) String format, @RequestParam(required = false) String after,
                              @RequestParam(required = false) String limit, HttpServletRequest http) {
        Principal principal = reader(http);
        ReportFormat wanted = ReportFormat.parse(format);
        if (kind == null) {
            return ResponseEntity.ok(list(after, limit));
        }
        ReportScope scope = ReportRequest.parse(kind, from, to, workspace, subject, subjectId, Instant.now(), masterKey).scope();
        if (scope.kind() == ReportKind.GDPR_ACCESS && !principal.admin()) {
            throw ComplianceException.forbidden("A subject access report opens personal content: it needs an admin key");
        }
        return wanted.respond(reports.make(scope, principal.keyId(), true));
    }

    @GetMapping("/{id}")
    ResponseEntity<?> report(@PathVariable String id, @RequestParam(required = false) String format, HttpServletRequest http) {
        reader(http);
        ReportFormat wanted = ReportFormat.parse(format);
        return wanted.respond(reports.kept(id).orElseThrow(() -> ComplianceException.notFound(id)));
    }

    private ObjectNode list(String after, String limit) {
        int pageSize = PageLimit.parse(limit, DEFAULT_PAGE, MAX_PAGE);
        if (after != null && !REPORT_ID.matcher(after).matches()) {
            throw ComplianceException.invalid("after", "'after' must be a report id (rpt_ and 26 characters)");
        }
        List<ReportStore.Kept> page = reports.list(after, pageSize + 1);
        ObjectNode json = JsonBodies.JSON.createObjectNode();
        json.put("object", "list");
        ArrayNode data = json.putArray("data");
        page.stream().limit(pageSize).forEach(kept -> data.addObject()
                .put("id", kept.id())
                .put("object", "compliance.report.summary")
                .put("kind", kept.kind())
                .put("workspace", kept.workspace())
                .put("subject", kept.subjectId())
                .put("from", kept.from().toString())
                .put("to", kept.to().toString())
                .put("sha256", kept.sha256())
                .put("log_index", kept.logIndex())
                .put("key_id", kept.keyId())
                .put("created_at", kept.createdAt().toString()));
        boolean more = page.size() > pageSize;
        json.put("has_more", more);
        json.put("next_after", more ? page.get(pageSize - 1).id() : null);
        return json;
    }

    private static Principal reader(HttpServletRequest http) {
        Principal principal = Principal.of(http);
        if (!principal.has(Role.AUDITOR)) {
            throw ComplianceException.forbidden("Compliance reports need an auditor or admin key");
        }
        return principal;
    }
}
