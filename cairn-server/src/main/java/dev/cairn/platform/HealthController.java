package dev.cairn.platform;

import java.util.List;

import dev.cairn.audit.AuditSequencer;
import dev.cairn.gateway.ModelRouter;
import dev.cairn.gateway.ProviderClient;
import dev.cairn.memory.MemoryCache;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.ObjectNode;

/**
 * Operational endpoints: liveness, readiness (database answers, providers configured, audit log
 * taking entries) and Prometheus metrics. Health is public; /metrics needs an admin key unless made public.
 */
@RestController
public class HealthController {

    private final JdbcTemplate jdbc;
    private final ModelRouter router;
    private final PrometheusMeterRegistry prometheus;
    private final MemoryCache cache;
    private final AuditSequencer audit;

    public HealthController(JdbcTemplate jdbc, ModelRouter router, PrometheusMeterRegistry prometheus, MemoryCache cache,
                            AuditSequencer audit) {
        this.jdbc = jdbc;
        this.router = router;
        this.prometheus = prometheus;
        this.cache = cache;
        this.audit = audit;
    }

    @GetMapping(path = "/health/live", produces = MediaType.APPLICATION_JSON_VALUE)
    ObjectNode live() {
        return JsonBodies.JSON.createObjectNode().put("status", "UP");
    }

    @GetMapping(path = "/health/ready", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<ObjectNode> ready() {
        ObjectNode json = JsonBodies.JSON.createObjectNode();
        ObjectNode checks = json.putObject("checks");
        boolean databaseUp;
        try {
            databaseUp = Integer.valueOf(1).equals(jdbc.queryForObject("SELECT 1", Integer.class));
            checks.putObject("database").put("status", databaseUp ? "UP" : "DOWN");
        } catch (RuntimeException e) {
            databaseUp = false;
            checks.putObject("database").put("status", "DOWN").put("error", e.getClass().getSimpleName());
        }
        List<String> providers = router.providers().stream().map(ProviderClient::name).toList();
        var providerCheck = checks.putObject("providers").put("status", providers.isEmpty() ? "DOWN" : "UP");
        providers.forEach(providerCheck.putArray("configured")::add);
        // Redis is a cache: without it memory runs from the database, so DEGRADED, never DOWN.
        MemoryCache.State redis = cache.probe();
        checks.putObject("redis").put("status", redis.name());
        // A halted audit log refuses every request that must be recorded: not ready, until restarted.
        var halted = audit.halted();
        var auditCheck = checks.putObject("audit").put("status", halted.isPresent() ? "DOWN" : "UP");
        // Public endpoint: the cause (a file path, an errno) stays in the server log.
        halted.ifPresent(e -> auditCheck.put("error", "halted: a commit could not be made durable; see the server log"));
        boolean up = databaseUp && !providers.isEmpty() && halted.isEmpty();
        json.put("status", !up ? "DOWN" : redis == MemoryCache.State.DEGRADED ? "DEGRADED" : "UP");
        return ResponseEntity.status(up ? 200 : 503).body(json);
    }

    @GetMapping(path = "/metrics", produces = "text/plain; version=0.0.4; charset=utf-8")
    String metrics() {
        return prometheus.scrape();
    }
}
