package dev.cairn.compliance;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.regex.Pattern;

import dev.cairn.audit.MasterKey;
import dev.cairn.platform.PlainIds;

/**
 * A report asked for by query parameters, parsed once into its {@link ReportScope}: {@code kind},
 * {@code from} and {@code to} (ISO-8601 times, or dates meaning their midnight UTC), {@code workspace}
 * (all when absent), and for a subject's report {@code subject} (the name the requests gave, with
 * {@code workspace}) or {@code subject_id} (its {@code sub_} pseudonym).
 */
record ReportRequest(ReportScope scope) {

    private static final Pattern SUBJECT_ID = Pattern.compile("sub_[0-9a-f]{32}");
    private static final Instant LAST_TIME = Instant.parse("9999-12-31T23:59:59Z");
    /** A year, leap or not: the longest period a report reads in one request. */
    static final Duration LONGEST_PERIOD = Duration.ofDays(366);

    static ReportRequest parse(String kindText, String fromText, String toText, String workspace, String subject,
                               String subjectId, Instant now, MasterKey masterKey) {
        ReportKind kind = ReportKind.parse(kindText).orElseThrow(() -> ComplianceException.invalid("kind",
                "'kind' must be one of eu-ai-act, gdpr-records, gdpr-access, gdpr-erasure"));
        String scopeWorkspace = workspace == null || workspace.isBlank() ? null : PlainIds.workspace(workspace, "workspace");
        String subjectPseudonym = null;
        if (kind.aboutSubject()) {
            subjectPseudonym = subject(subject, subjectId, scopeWorkspace, masterKey);
        } else if (subject != null || subjectId != null) {
            throw ComplianceException.invalid("subject", "'" + kind.wireName() + "' covers a period, not one subject");
        }
        Instant from = time("from", fromText);
        Instant to = time("to", toText);
        if (!kind.aboutSubject() && (from == null || to == null)) {
            throw ComplianceException.invalid(from == null ? "from" : "to",
                    "The " + kind.wireName() + " report covers a period: give 'from' and 'to', such as 2026-11-01 and 2026-12-01");
        }
        from = from == null ? Instant.EPOCH : from;
        to = to == null ? now.truncatedTo(ChronoUnit.MILLIS) : to;
        if (!from.isBefore(to)) {
            throw ComplianceException.invalid("to", "'to' must be after 'from'");
        }
        if (to.isAfter(now)) {
            // A period still running has entries yet to come: no report could show it whole.
            throw ComplianceException.invalid("to", "'to' must not be in the future: a report covers a period that has "
                    + "ended (now is " + now.truncatedTo(ChronoUnit.SECONDS) + ")");
        }
        if (!kind.aboutSubject() && Duration.between(from, to).compareTo(LONGEST_PERIOD) > 0) {
            throw ComplianceException.invalid("from", "A report covers at most " + LONGEST_PERIOD.toDays()
                    + " days; make one per month or per year");
        }
        return new ReportRequest(new ReportScope(kind, from, to, scopeWorkspace, subjectPseudonym));
    }

    private static String subject(String subject, String subjectId, String workspace, MasterKey masterKey) {
        if (subjectId != null) {
            if (subject != null) {
                throw ComplianceException.invalid("subject", "Give 'subject' or 'subject_id', not both");
            }
            if (!SUBJECT_ID.matcher(subjectId).matches()) {
                throw ComplianceException.invalid("subject_id", "'subject_id' must be sub_ and 32 hex digits");
            }
            return subjectId;
        }
        if (subject == null || subject.isBlank() || workspace == null) {
            throw ComplianceException.invalid("subject", "A subject's report needs 'subject' (as the requests named it, "
                    + "with 'workspace') or 'subject_id'");
        }
        return masterKey.subjectId(workspace, subject);
    }

    private static Instant time(String param, String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        Instant time;
        try {
            time = text.length() == 10 ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(text);
        } catch (DateTimeParseException e) {
            time = null;
        }
        if (time != null) {
            // The log finds entries by their millisecond; a finer bound would split one.
            time = time.truncatedTo(ChronoUnit.MILLIS);
        }
        if (time == null || time.isBefore(Instant.EPOCH) || time.isAfter(LAST_TIME)) {
            throw ComplianceException.invalid(param, "'" + param + "' must be an ISO-8601 UTC time or date from 1970 to 9999, "
                    + "such as 2026-11-01 or 2026-11-01T00:00:00Z");
        }
        return time;
    }

}
