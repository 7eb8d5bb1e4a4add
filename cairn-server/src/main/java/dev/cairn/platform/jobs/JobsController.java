package dev.cairn.platform.jobs;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import dev.cairn.platform.ApiError;
import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.PageLimit;
import dev.cairn.platform.RequestException;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The admin API for the job queue (admin keys only, like all of /admin): jobs newest first with
 * their counts per state and the job schedules, one job by id, and the schedules alone. Counts follow
 * the {@code kind}, {@code workspace} and {@code schedule} filters but not {@code state}, so they show
 * how the listed kind of work is doing as a whole.
 */
@RestController
@RequestMapping(path = "/admin/jobs", produces = MediaType.APPLICATION_JSON_VALUE)
public class JobsController {

    private static final int DEFAULT_PAGE = 50;
    private static final int MAX_PAGE = 500;
    private static final Pattern JOB_ID = Pattern.compile("job_[0-9A-HJKMNP-TV-Z]{26}");

    private final JobRepository repository;
    private final JobScheduler scheduler;

    JobsController(JobRepository repository, JobScheduler scheduler) {
        this.repository = repository;
        this.scheduler = scheduler;
    }

    /** Jobs newest first; page on with {@code after}, the {@code next_after} of the page before. */
    @GetMapping
    ObjectNode list(@RequestParam(required = false) String state, @RequestParam(required = false) String kind,
                    @RequestParam(required = false) String workspace, @RequestParam(required = false) String schedule,
                    @RequestParam(required = false) String after, @RequestParam(required = false) String limit) {
        StoredJob.State wanted = state == null ? null : StoredJob.State.parse(state).orElseThrow(() ->
                RequestException.invalid("invalid_value", "state", "'state' must be one of queued, running, succeeded, failed"));
        int pageSize = PageLimit.parse(limit, DEFAULT_PAGE, MAX_PAGE);
        if (after != null && !JOB_ID.matcher(after).matches()) {
            throw RequestException.invalid("invalid_value", "after", "'after' must be a job id (job_ and 26 characters)");
        }
        JobRepository.Filter filter = new JobRepository.Filter(wanted, blankToNull(kind), blankToNull(workspace),
                blankToNull(schedule));
        List<StoredJob> page = repository.list(filter, after, pageSize + 1);
        ObjectNode json = JsonBodies.JSON.createObjectNode();
        json.put("object", "list");
        ArrayNode data = json.putArray("data");
        page.stream().limit(pageSize).forEach(job -> data.add(describe(job)));
        boolean more = page.size() > pageSize;
        json.put("has_more", more);
        json.put("next_after", more ? page.get(pageSize - 1).id() : null);
        ObjectNode counts = json.putObject("counts");
        for (Map.Entry<StoredJob.State, Long> count : repository.counts(filter).entrySet()) {
            counts.put(count.getKey().wireName(), count.getValue());
        }
        json.set("schedules", describeSchedules());
        return json;
    }

    /** The schedules of this process, with when each fires next and its latest fire's job. */
    @GetMapping("/schedules")
    ObjectNode schedules() {
        ObjectNode json = JsonBodies.JSON.createObjectNode();
        json.put("object", "list");
        json.set("data", describeSchedules());
        return json;
    }

    @GetMapping("/{id}")
    ObjectNode job(@PathVariable String id) {
        return repository.find(id).map(JobsController::describe).orElseThrow(() -> new RequestException(
                new ApiError(404, "invalid_request_error", "job_not_found", "id", "No job with id '" + id + "'")));
    }

    static ObjectNode describe(StoredJob job) {
        ObjectNode json = JsonBodies.JSON.createObjectNode();
        json.put("id", job.id());
        json.put("object", "job");
        json.put("kind", job.kind());
        json.put("workspace", job.workspace());
        json.put("state", job.state().wireName());
        json.put("attempts", job.attempts());
        json.put("max_attempts", job.maxAttempts());
        try {
            json.set("payload", JsonBodies.JSON.readTree(job.payload()));
        } catch (JacksonException e) {
            json.put("payload", job.payload()); // written around the queue; show it as it is
        }
        json.put("last_error", job.lastError());
        json.put("run_after", iso(job.runAfter()));
        json.put("locked_until", iso(job.lockedUntil()));
        json.put("created_at", iso(job.createdAt()));
        json.put("updated_at", iso(job.updatedAt()));
        json.put("finished_at", iso(job.finishedAt()));
        if (job.fire() == null) {
            json.putNull("schedule");
        } else {
            ObjectNode fire = json.putObject("schedule");
            fire.put("name", job.fire().schedule());
            fire.put("fire_time", iso(job.fire().time()));
        }
        return json;
    }

    private ArrayNode describeSchedules() {
        ArrayNode list = JsonBodies.JSON.createArrayNode();
        for (JobScheduler.Status status : scheduler.status()) {
            JobSchedule schedule = status.schedule();
            ObjectNode json = list.addObject();
            json.put("name", schedule.name());
            json.put("object", "job.schedule");
            json.put("cron", schedule.cron().toString());
            json.put("kind", schedule.kind());
            json.put("workspace", schedule.workspace());
            json.put("next_run", iso(status.nextRun()));
            ScheduleRepository.Run run = status.lastRun();
            if (run == null) {
                json.putNull("last_run");
            } else {
                ObjectNode last = json.putObject("last_run");
                last.put("fire_time", iso(run.fireTime()));
                last.put("job_id", run.jobId());
                last.put("state", run.state() == null ? null : run.state().wireName());
            }
        }
        return list;
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }

    private static String iso(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
