package dev.cairn.platform.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Comparator;
import java.util.List;

import dev.cairn.support.CairnServerTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * {@code /admin/jobs} against the running server. The server has no handler for the kind used here,
 * so its jobs stay queued while the test reads them.
 */
class JobsAdminTest extends CairnServerTest {

    @Autowired
    JobQueue queue;

    @Test
    void listsJobsNewestFirstWithCountsAndNeedsAnAdminKey() {
        String kind = "test.unhandled." + System.nanoTime();
        List<String> ids = queue.enqueueAll(kind, "jobs-ws", List.of("{\"n\":1}", "{\"n\":2}", "{\"n\":3}"));
        // Newest first is id order: ids sort by their millisecond, and a batch may share one.
        List<String> newestFirst = ids.stream().sorted(Comparator.reverseOrder()).toList();

        HttpResponse<String> listed = get("/admin/jobs?kind=" + kind + "&limit=2", ADMIN_KEY);
        assertThat(listed.statusCode()).isEqualTo(200);
        JsonNode page = json(listed);
        assertThat(page.get("object").stringValue()).isEqualTo("list");
        assertThat(page.get("data")).extracting(job -> job.get("id").stringValue())
                .containsExactly(newestFirst.get(0), newestFirst.get(1));
        assertThat(page.get("has_more").booleanValue()).isTrue();
        assertThat(page.get("counts").get("queued").intValue()).isEqualTo(3);
        assertThat(page.get("counts").get("running").intValue()).isZero();
        assertThat(page.get("counts").get("succeeded").intValue()).isZero();
        assertThat(page.get("counts").get("failed").intValue()).isZero();
        JsonNode newest = page.get("data").get(0);
        assertThat(newest.get("object").stringValue()).isEqualTo("job");
        assertThat(newest.get("state").stringValue()).isEqualTo("queued");
        assertThat(newest.get("workspace").stringValue()).isEqualTo("jobs-ws");
        assertThat(newest.get("payload").get("n").intValue()).isEqualTo(ids.indexOf(newestFirst.getFirst()) + 1);
        assertThat(newest.get("attempts").intValue()).isZero();
        assertThat(newest.get("schedule").isNull()).as("queued by a call, not a schedule").isTrue();
        // The shared server's one schedule is the monthly compliance reports, by default at 03:00 on the 1st.
        assertThat(page.get("schedules")).hasSize(1);
        JsonNode monthly = page.get("schedules").get(0);
        assertThat(monthly.get("name").stringValue()).isEqualTo("compliance.monthly");
        assertThat(monthly.get("kind").stringValue()).isEqualTo("compliance.report");
        assertThat(monthly.get("cron").stringValue()).isEqualTo("0 0 3 1 * *");
        assertThat(monthly.get("next_run").stringValue()).matches("\\d{4}-\\d{2}-01T03:00:00Z");

        JsonNode rest = json(get("/admin/jobs?kind=" + kind + "&limit=2&after=" + page.get("next_after").stringValue(), ADMIN_KEY));
        assertThat(rest.get("data")).extracting(job -> job.get("id").stringValue()).containsExactly(newestFirst.get(2));
        assertThat(rest.get("has_more").booleanValue()).isFalse();
        assertThat(json(get("/admin/jobs?state=succeeded&kind=" + kind, ADMIN_KEY)).get("data")).isEmpty();
        assertThat(json(get("/admin/jobs?workspace=jobs-ws&state=queued", ADMIN_KEY)).get("data")).hasSizeGreaterThanOrEqualTo(3);

        HttpResponse<String> one = get("/admin/jobs/" + ids.get(0), ADMIN_KEY);
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(json(one).get("kind").stringValue()).isEqualTo(kind);
        HttpResponse<String> unknown = get("/admin/jobs/job_nope", ADMIN_KEY);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown).get("error").get("code").stringValue()).isEqualTo("job_not_found");

        assertThat(get("/admin/jobs", null).statusCode()).isEqualTo(401);
        assertThat(get("/admin/jobs", createKey("jobs-user-ws")).statusCode()).isEqualTo(403);
        for (String bad : List.of("limit=0", "limit=501", "limit=ten", "state=done", "after=42")) {
            HttpResponse<String> refused = get("/admin/jobs?" + bad, ADMIN_KEY);
            assertThat(refused.statusCode()).as(bad).isEqualTo(400);
            JsonNode error = json(refused).get("error");
            assertThat(error.get("type").stringValue()).isEqualTo("invalid_request_error");
            assertThat(error.get("param").stringValue()).isEqualTo(bad.substring(0, bad.indexOf('=')));
        }
    }
}
