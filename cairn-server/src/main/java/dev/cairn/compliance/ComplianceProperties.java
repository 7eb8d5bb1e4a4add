package dev.cairn.compliance;

import java.util.List;

import dev.cairn.platform.Settings;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Scheduled compliance reports ({@code cairn.compliance}): at every fire of {@code report-schedule}
 * (a six-field cron in UTC; by default 03:00 on the 1st of each month) a background job makes a
 * report of each of {@code scheduled-reports} for the calendar month that just ended, for all
 * workspaces, and keeps it. An empty list schedules none.
 */
@ConfigurationProperties("cairn.compliance")
public record ComplianceProperties(@DefaultValue("0 0 3 1 * *") String reportSchedule,
                                   @DefaultValue({"eu-ai-act", "gdpr-records"}) List<String> scheduledReports) {

    public ComplianceProperties {
        for (String kind : scheduledReports) {
            ReportKind parsed = ReportKind.parse(kind).orElseThrow(() -> Settings.invalid("cairn.compliance.scheduled-reports",
                    "names report kinds of a period (eu-ai-act, gdpr-records), not '" + kind + "'"));
            if (parsed.aboutSubject()) {
                throw Settings.invalid("cairn.compliance.scheduled-reports", "'" + kind + "' is about one subject: it is made on request");
            }
        }
        scheduledReports = List.copyOf(scheduledReports);
    }
}
