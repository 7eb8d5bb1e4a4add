package dev.cairn.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.http.ResponseEntity;
import tools.jackson.databind.node.ObjectNode;

/** How readiness sums its checks up: any DOWN is 503 DOWN, else any DEGRADED is 200 DEGRADED. */
class HealthControllerTest {

    @Test
    void upAndDisabledChecksAreReadyAndKeepTheirOrderAndDetails() {
        ResponseEntity<ObjectNode> ready = ready(
                check("first", Health.of(Health.Status.UP).with("configured", List.of("a", "b"))),
                check("second", Health.of(Health.Status.DISABLED)));
        assertThat(ready.getStatusCode().value()).isEqualTo(200);
        assertThat(ready.getBody()).hasToString("""
                {"checks":{"first":{"status":"UP","configured":["a","b"]},"second":{"status":"DISABLED"}},"status":"UP"}""");
    }

    @Test
    void aDegradedCheckLeavesCairnReadyButDegraded() {
        ResponseEntity<ObjectNode> ready = ready(
                check("db", Health.of(Health.Status.UP)), check("cache", Health.of(Health.Status.DEGRADED)));
        assertThat(ready.getStatusCode().value()).isEqualTo(200);
        assertThat(ready.getBody().get("status").stringValue()).isEqualTo("DEGRADED");
    }

    @Test
    void aDownCheckMakesCairnNotReadyEvenWhenAnotherIsDegraded() {
        ResponseEntity<ObjectNode> ready = ready(
                check("cache", Health.of(Health.Status.DEGRADED)),
                check("log", Health.of(Health.Status.DOWN).with("error", "halted")));
        assertThat(ready.getStatusCode().value()).isEqualTo(503);
        assertThat(ready.getBody()).hasToString("""
                {"checks":{"cache":{"status":"DEGRADED"},"log":{"status":"DOWN","error":"halted"}},"status":"DOWN"}""");
    }

    @Test
    void aCheckThatThrowsIsDownWithTheExceptionsClassOnly() {
        ResponseEntity<ObjectNode> ready = ready(new HealthCheck() {
            @Override
            public String name() {
                return "database";
            }

            @Override
            public Health check() {
                throw new IllegalStateException("jdbc:postgresql://secret-host/db refused");
            }
        });
        assertThat(ready.getStatusCode().value()).isEqualTo(503);
        assertThat(ready.getBody()).hasToString("""
                {"checks":{"database":{"status":"DOWN","error":"IllegalStateException"}},"status":"DOWN"}""");
    }

    private static ResponseEntity<ObjectNode> ready(HealthCheck... checks) {
        return new HealthController(List.of(checks), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)).ready();
    }

    private static HealthCheck check(String name, Health health) {
        return new HealthCheck() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Health check() {
                return health;
            }
        };
    }
}
