package dev.cairn.compliance.status;

import java.util.List;

import tools.jackson.databind.node.ObjectNode;

/**
 * One record-keeping duty, checked against the deployment as it is now: its configuration, its
 * database and its files, never a flag set beforehand. {@link ComplianceStatus} runs every such bean.
 */
public interface StatusCheck {

    /** What is checked: a stable id, a title, and the articles that set the duty. */
    record Duty(String id, String title, List<String> articles) {

        public Duty {
            articles = List.copyOf(articles);
        }

        public CheckResult pass(String reason, ObjectNode observed) {
            return new CheckResult(id, title, articles, CheckResult.Status.PASS, reason, observed);
        }

        public CheckResult fail(String reason, ObjectNode observed) {
            return new CheckResult(id, title, articles, CheckResult.Status.FAIL, reason, observed);
        }
    }

    /** The duty this check answers for, also when {@link #check} throws. */
    Duty duty();

    /** Looks now; a failure's reason says what is wrong and what to change. */
    CheckResult check();
}
