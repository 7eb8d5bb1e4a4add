package dev.cairn.compliance;

import java.time.Instant;
import java.util.Objects;

/**
 * What a report covers: its kind, the period [{@code from}, {@code to}), one workspace or all
 * (null), and for a subject's report the subject's pseudonymous id (which names its workspace too).
 * Entries without a workspace (configuration changes) concern every workspace and are in every
 * workspace's scope.
 */
public record ReportScope(ReportKind kind, Instant from, Instant to, String workspace, String subjectId) {

    public ReportScope {
        Objects.requireNonNull(kind);
        Objects.requireNonNull(from);
        Objects.requireNonNull(to);
        if (kind.aboutSubject() != (subjectId != null)) {
            throw new IllegalArgumentException(kind.wireName() + (kind.aboutSubject() ? " needs" : " takes no") + " subject");
        }
    }

    /** Whether the report's figures count this entry. */
    boolean includes(LoggedEntry entry) {
        Instant time = entry.time();
        if (time.isBefore(from) || !time.isBefore(to)) {
            return false;
        }
        if (kind.aboutSubject()) {
            // An erasure's dataset rows name the erasure entry, not the subject: the tally matches them.
            return subjectId.equals(entry.subject()) || subjectId.equals(entry.data().path("subject").asString(null))
                    || (kind == ReportKind.GDPR_ERASURE && entry.type().equals("dataset.rows_erased"));
        }
        return workspace == null || entry.workspace() == null || workspace.equals(entry.workspace());
    }
}
