package dev.cairn.platform.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;

import dev.cairn.support.CairnServerTest;
import dev.cairn.support.FakeUpstream;
import dev.cairn.support.ServerDataDir;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * {@code /admin/jobs} on a server with a schedule firing every second and a handler for its jobs:
 * the schedule is listed with its next and latest fire, and its jobs name it. A server of its own,
 * closed after the test, so the shared end-to-end server keeps no schedule.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class JobSchedulesAdminTest {

    static final String ADMIN_KEY = CairnServerTest.randomKey();
    static final String SCHEDULE = "test.every-second";

    @LocalServerPort
    int port;

    @TestConfiguration(proxyBeanMethods = false)
    static class EverySecond {
        @Bean
        JobSchedule everySecond() {
            return new JobSchedule(SCHEDULE, CronExpression.parse("* * * * * *"), "test.scheduled", "ws-scheduled",
                    fire -> "{\"fire\":\"" + fire + "\"}");
        }

        @Bean
        JobHandler scheduledHandler() {
            return new JobHandler() {
                @Override
                public String kind() {
                    return "test.scheduled";
                }

                @Override
                public void run(Job job) {
                }
            };
        }
    }

    @DynamicPropertySource
    static void cairn(DynamicPropertyRegistry registry) {
        Path dir = ServerDataDir.create("cairn-job-schedules");
        registry.add("cairn.data-dir", dir::toString);
        registry.add("cairn.bootstrap-admin-key", () -> ADMIN_KEY);
        registry.add("cairn.providers.idle.type", () -> "openai");
        registry.add("cairn.providers.idle.base-url", () -> "http://127.0.0.1:1/v1");
    }

    private HttpResponse<String> get(String path, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET();
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode json(String path) throws Exception {
        HttpResponse<String> response = get(path, ADMIN_KEY);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return FakeUpstream.JSON.readTree(response.body());
    }

    @Test
    void theScheduleIsListedWithItsLatestRunAndItsJobsNameIt() throws Exception {
        JsonNode schedule = null;
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            // Beside the features' own schedules (the monthly compliance reports), this test's.
            for (JsonNode listed : json("/admin/jobs/schedules").get("data")) {
                if (listed.get("name").asString().equals(SCHEDULE)) {
                    schedule = listed;
                }
            }
            if (schedule != null && schedule.get("last_run").isObject() && "succeeded".equals(schedule.get("last_run").get("state").asString())) {
                break;
            }
            Thread.sleep(50);
        }
        assertThat(schedule.get("name").asString()).isEqualTo(SCHEDULE);
        assertThat(schedule.get("cron").asString()).isEqualTo("* * * * * *");
        assertThat(schedule.get("kind").asString()).isEqualTo("test.scheduled");
        assertThat(schedule.get("workspace").asString()).isEqualTo("ws-scheduled");
        JsonNode lastRun = schedule.get("last_run");
        assertThat(lastRun.get("state").asString()).as(schedule.toString()).isEqualTo("succeeded");
        Instant lastFire = Instant.parse(lastRun.get("fire_time").asString());
        assertThat(Instant.parse(schedule.get("next_run").asString())).isAfter(lastFire);
        String jobId = lastRun.get("job_id").asString();

        JsonNode job = json("/admin/jobs/" + jobId);
        assertThat(job.get("schedule").get("name").asString()).isEqualTo(SCHEDULE);
        assertThat(job.get("schedule").get("fire_time").asString()).isEqualTo(lastFire.toString());
        assertThat(job.get("payload").get("fire").asString()).isEqualTo(lastFire.toString());

        JsonNode listed = json("/admin/jobs?schedule=" + SCHEDULE);
        assertThat(listed.get("data")).isNotEmpty()
                .allSatisfy(each -> assertThat(each.get("schedule").get("name").asString()).isEqualTo(SCHEDULE));
        assertThat(listed.get("data")).extracting(each -> each.get("id").asString()).contains(jobId);
        assertThat(listed.get("counts").get("succeeded").asLong()).isPositive();
        assertThat(listed.get("counts").get("failed").asLong()).isZero();
        assertThat(listed.get("schedules")).extracting(each -> each.get("name").asString()).containsExactlyInAnyOrder("compliance.monthly", SCHEDULE);
        assertThat(json("/admin/jobs?schedule=nobody").get("data")).isEmpty();

        assertThat(get("/admin/jobs/schedules", null).statusCode()).isEqualTo(401);
    }
}
