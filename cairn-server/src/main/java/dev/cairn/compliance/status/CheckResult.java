package dev.cairn.compliance.status;

import java.util.List;
import java.util.Locale;

import tools.jackson.databind.node.ObjectNode;

/**
 * What one {@link StatusCheck} found: pass or fail, a sentence saying why (for a failure, what is
 * wrong and what to change), and the values it looked at.
 */
public record CheckResult(String id, String title, List<String> articles, Status status, String reason,
                          ObjectNode observed) {

    public enum Status {
        PASS, FAIL;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public CheckResult {
        articles = List.copyOf(articles);
    }

    public boolean passed() {
        return status == Status.PASS;
    }
}
