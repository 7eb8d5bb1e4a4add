package dev.cairn.platform.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

import dev.cairn.platform.InvalidConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.scheduling.support.CronExpression;

/** A schedule's cron from a setting is checked at start: one that does not parse or never fires stops it, naming the key. */
@ExtendWith(OutputCaptureExtension.class)
class JobScheduleTest {

    @ParameterizedTest(name = "''{0}''")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            0 0 3 1 *       | cairn.test.report-cron must be a cron expression of six fields (second minute hour day-of-month month day-of-week, in UTC), such as '0 0 3 1 * *' for 03:00 on the 1st of each month, not '0 0 3 1 *'
            0 0 25 1 * *    | cairn.test.report-cron must be a cron expression of six fields
            every month     | cairn.test.report-cron must be a cron expression of six fields
            0 0 3 30 2 *    | cairn.test.report-cron '0 0 3 30 2 *' never fires
            "  "            | cairn.test.report-cron must be a cron expression of six fields (second minute hour day-of-month month day-of-week, in UTC), such as '0 0 3 1 * *' for 03:00 on the 1st of each month, not empty
            """)
    void aBadCronIsRefusedNamingTheSetting(String cron, String message) {
        assertThatThrownBy(() -> JobSchedule.cron("cairn.test.report-cron", cron))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageStartingWith(message);
    }

    @Test
    void aGoodCronIsReadInUtc() {
        CronExpression cron = JobSchedule.cron("cairn.test.report-cron", " 0 0 3 1 * * ");
        assertThat(cron.next(ZonedDateTime.of(2030, 1, 15, 0, 0, 0, 0, ZoneOffset.UTC)).toInstant())
                .isEqualTo(Instant.parse("2030-02-01T03:00:00Z"));
        assertThat(JobScheduler.nextFire(cron, Instant.parse("2030-02-01T03:00:00Z"))).isEqualTo(Instant.parse("2030-03-01T03:00:00Z"));
    }

    @Test
    void aScheduleNeedsANameAKindAndAPayload() {
        CronExpression cron = CronExpression.parse("0 0 3 1 * *");
        assertThatThrownBy(() -> new JobSchedule("has space", cron, "k", null, fire -> "{}")).hasMessageContaining("name");
        assertThatThrownBy(() -> new JobSchedule("ok", cron, " ", null, fire -> "{}")).hasMessageContaining("no job kind");
        assertThatThrownBy(() -> new JobSchedule("ok", null, "k", null, fire -> "{}")).hasMessageContaining("no cron");
        assertThatThrownBy(() -> new JobSchedule("ok", cron, "k", null, null)).hasMessageContaining("no payload");
    }

    /** A feature's schedule bean, as compliance's would be, with its cron from a setting. */
    @Configuration(proxyBeanMethods = false)
    static class ReportSchedule {
        @Bean
        JobSchedule monthlyReport(Environment environment) {
            return new JobSchedule("test.monthly", JobSchedule.cron("cairn.test.report-cron",
                    environment.getProperty("cairn.test.report-cron")), "test.report", null, fire -> "{}");
        }
    }

    @Test
    void aBadCronStopsTheStartWithTheOperatorsMessage(CapturedOutput output) {
        SpringApplication application = new SpringApplication(ReportSchedule.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        assertThatThrownBy(() -> application.run("--cairn.test.report-cron=0 0 3 1 *"))
                .hasRootCauseInstanceOf(InvalidConfigurationException.class);
        assertThat(output.getOut()).contains("APPLICATION FAILED TO START")
                .contains("Invalid configuration: cairn.test.report-cron must be a cron expression of six fields");
    }
}
