package dev.cairn.compliance.status;

import dev.cairn.access.AccessException;
import dev.cairn.access.Principal;
import dev.cairn.access.Role;
import dev.cairn.platform.JsonBodies;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /v1/compliance/status}: whether the deployment meets its record-keeping duties now,
 * each check computed at this request. Auditor and admin keys only; the answer is 200 whatever the
 * checks find, with {@code status} {@code fail} when any of them fails.
 */
@RestController
public class ComplianceStatusController {

    private final ComplianceStatus status;

    public ComplianceStatusController(ComplianceStatus status) {
        this.status = status;
    }

    @GetMapping(path = "/v1/compliance/status", produces = MediaType.APPLICATION_JSON_VALUE)
    ObjectNode status(HttpServletRequest http) {
        if (!Principal.of(http).has(Role.AUDITOR)) {
            throw AccessException.roleRequired(Role.AUDITOR);
        }
        ComplianceStatus.Report report = status.run();
        ObjectNode json = JsonBodies.JSON.createObjectNode();
        json.put("object", "compliance.status");
        json.put("status", report.passed() ? CheckResult.Status.PASS.wireName() : CheckResult.Status.FAIL.wireName());
        json.put("checked_at", report.checkedAt().toString());
        ArrayNode checks = json.putArray("checks");
        for (CheckResult result : report.checks()) {
            ObjectNode check = checks.addObject();
            check.put("id", result.id());
            check.put("title", result.title());
            ArrayNode articles = check.putArray("articles");
            result.articles().forEach(articles::add);
            check.put("status", result.status().wireName());
            check.put("reason", result.reason());
            check.set("observed", result.observed());
        }
        return json;
    }
}
