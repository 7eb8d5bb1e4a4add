package dev.cairn.feedback;

import java.io.IOException;
import java.time.Instant;
import java.util.Map;

import dev.cairn.access.Principal;
import dev.cairn.platform.AdminAction;
import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.PlainIds;
import dev.cairn.platform.PlatformProperties;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /admin/feedback/metrics/{workspace}}: the metrics a workspace's feedback may give values
 * for. One set here replaces the configured metric of its name for that workspace; every change is
 * an {@link AdminAction}, so the audit log records it.
 */
@RestController
@RequestMapping(path = "/admin/feedback/metrics/{workspace}", produces = MediaType.APPLICATION_JSON_VALUE)
class FeedbackMetricController {

    private final FeedbackMetrics metrics;
    private final FeedbackRepository repository;
    private final ApplicationEventPublisher events;
    private final long maxBodyBytes;

    FeedbackMetricController(FeedbackMetrics metrics, FeedbackRepository repository, ApplicationEventPublisher events,
                             PlatformProperties platform) {
        this.metrics = metrics;
        this.repository = repository;
        this.events = events;
        this.maxBodyBytes = platform.gateway().maxBodySize().toBytes();
    }

    /** Every metric in force for the workspace: set here, or configured. */
    @GetMapping
    ObjectNode list(@PathVariable String workspace) {
        PlainIds.workspace(workspace, "workspace");
        ObjectNode json = JsonBodies.JSON.createObjectNode();
        json.put("object", "list");
        ArrayNode data = json.putArray("data");
        metrics.all(workspace).forEach(m -> data.add(describe(m)));
        return json;
    }

    @GetMapping("/{name}")
    ObjectNode get(@PathVariable String workspace, @PathVariable String name) {
        PlainIds.workspace(workspace, "workspace");
        return describe(metrics.find(workspace, name).orElseThrow(() -> FeedbackException.metricNotFound(workspace, name)));
    }

    @PutMapping("/{name}")
    ObjectNode put(@PathVariable String workspace, @PathVariable String name, HttpServletRequest http) throws IOException {
        PlainIds.workspace(workspace, "workspace");
        if (!FeedbackMetrics.NAME.matcher(name).matches()) {
            throw FeedbackException.invalid("invalid_value", "name", "A metric's name is " + FeedbackMetrics.NAME_RULE);
        }
        ObjectNode body = JsonBodies.parseObject(JsonBodies.read(http, maxBodyBytes));
        Metric metric = MetricJson.read(name, body, "");
        String actor = Principal.of(http).keyId();
        repository.putMetric(workspace, metric, actor, Instant.now());
        events.publishEvent(new AdminAction("admin.feedback.metric.set", workspace, actor,
                Map.of("name", name, "spec", JsonBodies.JSON.writeValueAsString(MetricJson.write(metric)))));
        return describe(metric);
    }

    /** Deletes a metric set here; the configured one of that name, if any, applies again. */
    @DeleteMapping("/{name}")
    ObjectNode delete(@PathVariable String workspace, @PathVariable String name, HttpServletRequest http) {
        PlainIds.workspace(workspace, "workspace");
        if (!repository.deleteMetric(workspace, name)) {
            throw FeedbackException.metricNotFound(workspace, name);
        }
        events.publishEvent(new AdminAction("admin.feedback.metric.deleted", workspace, Principal.of(http).keyId(),
                Map.of("name", name)));
        ObjectNode json = JsonBodies.JSON.createObjectNode();
        json.put("object", "feedback.metric.deleted");
        json.put("workspace", workspace);
        json.put("name", name);
        json.put("deleted", true);
        json.set("in_force", metrics.find(workspace, name).map(FeedbackMetricController::describe).orElse(null));
        return json;
    }

    private static ObjectNode describe(Metric metric) {
        ObjectNode json = MetricJson.write(metric);
        json.put("object", "feedback.metric");
        return json;
    }
}
