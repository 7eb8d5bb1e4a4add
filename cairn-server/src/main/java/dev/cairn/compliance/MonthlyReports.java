package dev.cairn.compliance;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;

import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.jobs.Job;
import dev.cairn.platform.jobs.JobHandler;
import dev.cairn.platform.jobs.JobSchedule;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.JsonNode;

/**
 * The scheduled reports: {@code cairn.compliance.report-schedule} queues a job naming the calendar
 * month before its fire time, and the job makes each of {@code scheduled-reports} for that month,
 * all workspaces. A run that comes again (a retry, another process) keeps the reports already made.
 */
@Configuration(proxyBeanMethods = false)
class MonthlyReports {

    static final String KIND = "compliance.report";
    static final String SCHEDULE = "compliance.monthly";

    @Bean
    JobSchedule monthlyComplianceReports(ComplianceProperties properties) {
        return new JobSchedule(SCHEDULE, JobSchedule.cron("cairn.compliance.report-schedule", properties.reportSchedule()),
                KIND, null, fire -> JsonBodies.JSON.createObjectNode()
                        .put("month", YearMonth.from(fire.atZone(ZoneOffset.UTC)).minusMonths(1).toString()).toString());
    }

    @Bean
    JobHandler complianceReportJob(ComplianceReports reports, ComplianceProperties properties) {
        return new Handler(reports, properties);
    }

    /** Makes the month's reports that are not made yet. */
    record Handler(ComplianceReports reports, ComplianceProperties properties) implements JobHandler {

        @Override
        public String kind() {
            return KIND;
        }

        /** It reads a month of the log, which can take minutes. */
        @Override
        public boolean isLong() {
            return true;
        }

        @Override
        public void run(Job job) {
            JsonNode payload = JsonBodies.JSON.readTree(job.payload());
            YearMonth month = YearMonth.parse(payload.path("month").asString());
            Instant from = month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            Instant to = month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            for (String kind : properties.scheduledReports()) {
                ReportScope scope = new ReportScope(ReportKind.parse(kind).orElseThrow(), from, to, null, null);
                if (reports.existing(scope).isEmpty()) {
                    reports.make(scope, null, false);
                }
            }
        }
    }
}
