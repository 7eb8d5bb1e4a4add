package dev.cairn.compliance;

import java.util.Locale;
import java.util.Optional;

/** What a compliance report answers, each for the articles its sections name. */
public enum ReportKind {
    /** EU AI Act record keeping: Art. 12, 19 and 26(6), 14 and 10. */
    EU_AI_ACT("EU AI Act record-keeping report", false),
    /** GDPR Art. 30, the records of processing. */
    GDPR_RECORDS("GDPR records of processing (Art. 30)", false),
    /** GDPR Art. 15: everything recorded about one data subject. */
    GDPR_ACCESS("GDPR subject access report (Art. 15)", true),
    /** GDPR Art. 17: an erasure certificate for one data subject. */
    GDPR_ERASURE("GDPR erasure certificate (Art. 17)", true);

    private final String title;
    private final boolean aboutSubject;

    ReportKind(String title, boolean aboutSubject) {
        this.title = title;
        this.aboutSubject = aboutSubject;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public String title() {
        return title;
    }

    /** Whether the report is about one data subject, whose whole history it covers. */
    public boolean aboutSubject() {
        return aboutSubject;
    }

    public static Optional<ReportKind> parse(String text) {
        for (ReportKind kind : values()) {
            if (kind.wireName().equals(text)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }
}
