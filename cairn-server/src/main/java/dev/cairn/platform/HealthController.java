package dev.cairn.platform;

import java.util.List;
import java.util.Map;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.ObjectNode;

/**
 * Operational endpoints: liveness, readiness (every {@link HealthCheck} the features contribute) and
 * Prometheus metrics. Health is public; /metrics needs an admin key unless made public.
 */
@RestController
public class HealthController {

    private final List<HealthCheck> checks;
    private final PrometheusMeterRegistry prometheus;

    /** {@code checks} come sorted by their {@code @Order}, which is the order /health/ready lists them in. */
    public HealthController(List<HealthCheck> checks, PrometheusMeterRegistry prometheus) {
        this.checks = List.copyOf(checks);
        this.prometheus = prometheus;
    }

    @GetMapping(path = "/health/live", produces = MediaType.APPLICATION_JSON_VALUE)
    ObjectNode live() {
        return JsonBodies.JSON.createObjectNode().put("status", "UP");
    }

    @GetMapping(path = "/health/ready", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<ObjectNode> ready() {
        ObjectNode json = JsonBodies.JSON.createObjectNode();
        ObjectNode checksJson = json.putObject("checks");
        boolean down = false;
        boolean degraded = false;
        for (HealthCheck check : checks) {
            Health health = run(check);
            down |= health.status() == Health.Status.DOWN;
            degraded |= health.status() == Health.Status.DEGRADED;
            ObjectNode checkJson = checksJson.putObject(check.name()).put("status", health.status().name());
            for (Map.Entry<String, Object> detail : health.details().entrySet()) {
                checkJson.set(detail.getKey(), JsonBodies.JSON.valueToTree(detail.getValue()));
            }
        }
        json.put("status", down ? "DOWN" : degraded ? "DEGRADED" : "UP");
        return ResponseEntity.status(down ? 503 : 200).body(json);
    }

    private static Health run(HealthCheck check) {
        try {
            return check.check();
        } catch (RuntimeException e) {
            // Public endpoint: the message (a host, a path) stays out; the class says enough to look.
            return Health.of(Health.Status.DOWN).with("error", e.getClass().getSimpleName());
        }
    }

    @GetMapping(path = "/metrics", produces = "text/plain; version=0.0.4; charset=utf-8")
    String metrics() {
        return prometheus.scrape();
    }
}
