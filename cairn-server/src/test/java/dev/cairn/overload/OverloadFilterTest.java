package dev.cairn.overload;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.cairn.platform.GatewayMetrics;
import dev.cairn.platform.Health;
import dev.cairn.platform.JsonBodies;
import dev.cairn.support.Settings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.FilterChain;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.JsonNode;

/** The door: what it refuses, how the refusal reads, and what it never refuses. */
class OverloadFilterTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicInteger backlog = new AtomicInteger();
    private final OverloadProperties config = Settings.bind("cairn.overload", OverloadProperties.class, Settings.of(
            "cairn.overload.limit", "fixed", "cairn.overload.min-in-flight", "1", "cairn.overload.initial-in-flight", "1",
            "cairn.overload.max-in-flight", "1", "cairn.overload.max-record-backlog", "100", "cairn.overload.retry-after", "2s"));
    private final OverloadGate gate = new OverloadGate(config, backlog::get, new GatewayMetrics(registry));
    private final OverloadFilter filter = new OverloadFilter(gate, config);

    /** Runs a request through the door; the chain counts the requests that got past it. */
    private MockHttpServletResponse pass(String method, String path, AtomicInteger reached) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest(method, path);
        MockHttpServletResponse response = new MockHttpServletResponse();
        FilterChain chain = (req, res) -> reached.incrementAndGet();
        filter.doFilter(request, response, chain);
        return response;
    }

    private static JsonNode body(MockHttpServletResponse response) throws Exception {
        return JsonBodies.JSON.readTree(response.getContentAsString());
    }

    @Test
    void aRequestPastTheLimitIsRefusedBeforeAnyWorkWithOverloadedAndRetryAfter() throws Exception {
        OverloadGate.Decision held = gate.admit();
        assertThat(held.ticket()).isNotNull();
        AtomicInteger reached = new AtomicInteger();

        MockHttpServletResponse refused = pass("POST", "/v1/chat/completions", reached);

        assertThat(reached).hasValue(0);
        assertThat(refused.getStatus()).isEqualTo(503);
        assertThat(refused.getHeader("Retry-After")).isEqualTo("2");
        JsonNode error = body(refused).path("error");
        assertThat(error.path("code").asString()).isEqualTo("overloaded");
        assertThat(error.path("type").asString()).isEqualTo("server_error");
        assertThat(error.path("message").asString()).contains("Retry-After");
        assertThat(registry.counter("cairn.overload.shed", "reason", "in_flight").count()).isEqualTo(1);

        held.ticket().finished();
        assertThat(pass("POST", "/v1/chat/completions", reached).getStatus()).isEqualTo(200);
        assertThat(reached).hasValue(1);
        assertThat(gate.inFlight()).as("an admitted request gives its place back").isZero();
    }

    @Test
    void anthropicsRouteIsRefusedInAnthropicsShape() throws Exception {
        OverloadGate.Decision held = gate.admit();
        MockHttpServletResponse refused = pass("POST", "/v1/messages", new AtomicInteger());
        held.ticket().finished();

        assertThat(refused.getStatus()).isEqualTo(503);
        JsonNode body = body(refused);
        assertThat(body.path("type").asString()).isEqualTo("error");
        assertThat(body.path("error").path("type").asString()).isEqualTo("overloaded_error");
    }

    @Test
    void healthAdminMetricsAndPreFlightsAreNeverShed() throws Exception {
        OverloadGate.Decision held = gate.admit();
        AtomicInteger reached = new AtomicInteger();
        for (String[] request : new String[][] {{"GET", "/health/ready"}, {"GET", "/health/live"}, {"GET", "/metrics"},
                {"POST", "/admin/keys"}, {"OPTIONS", "/v1/chat/completions"}}) {
            assertThat(pass(request[0], request[1], reached).getStatus()).as(request[1]).isEqualTo(200);
        }
        held.ticket().finished();
        assertThat(reached).hasValue(5);
        assertThat(gate.shed()).isZero();
    }

    @Test
    void aLongUsageBacklogRefusesNewRequestsWithItsOwnReason() throws Exception {
        backlog.set(101);
        AtomicInteger reached = new AtomicInteger();
        MockHttpServletResponse refused = pass("POST", "/v1/embeddings", reached);

        assertThat(reached).hasValue(0);
        assertThat(refused.getStatus()).isEqualTo(503);
        assertThat(body(refused).path("error").path("code").asString()).isEqualTo("overloaded");
        assertThat(registry.counter("cairn.overload.shed", "reason", "record_backlog").count()).isEqualTo(1);

        backlog.set(100);
        assertThat(pass("POST", "/v1/embeddings", reached).getStatus()).isEqualTo(200);
    }

    @Test
    void readinessIsDegradedWhileRequestsAreShed() throws Exception {
        OverloadHealthCheck check = new OverloadHealthCheck(gate);
        assertThat(check.check().status()).isEqualTo(Health.Status.UP);

        OverloadGate.Decision held = gate.admit();
        pass("POST", "/v1/chat/completions", new AtomicInteger());
        held.ticket().finished();

        Health health = check.check();
        assertThat(health.status()).isEqualTo(Health.Status.DEGRADED);
        assertThat(health.details()).containsEntry("overloaded", "true").containsEntry("shed", "1").containsEntry("limit", "1");
    }

    @Test
    void aDisabledDoorLetsEverythingIn() throws Exception {
        OverloadProperties off = Settings.bind("cairn.overload", OverloadProperties.class, Settings.of("cairn.overload.enabled", "false"));
        OverloadGate open = new OverloadGate(off, () -> 1_000_000, new GatewayMetrics(registry));
        OverloadFilter door = new OverloadFilter(open, off);
        AtomicInteger reached = new AtomicInteger();
        for (int i = 0; i < 3; i++) {
            door.doFilter(new MockHttpServletRequest("POST", "/v1/chat/completions"), new MockHttpServletResponse(),
                    (req, res) -> reached.incrementAndGet());
        }
        assertThat(reached).hasValue(3);
        assertThat(new OverloadHealthCheck(open).check().status()).isEqualTo(Health.Status.DISABLED);
    }

    @Test
    void badSettingsAreRefusedAtStart() {
        Settings.assertRefused("cairn.overload", OverloadProperties.class,
                Map.of("cairn.overload.min-in-flight", "32", "cairn.overload.max-in-flight", "16"), "cairn.overload.max-in-flight");
        Settings.assertRefused("cairn.overload", OverloadProperties.class,
                Map.of("cairn.overload.initial-in-flight", "5"), "cairn.overload.initial-in-flight");
        Settings.assertRefused("cairn.overload", OverloadProperties.class,
                Map.of("cairn.overload.retry-after", "500ms"), "cairn.overload.retry-after");
        Settings.assertRefused("cairn.overload", OverloadProperties.class,
                Map.of("cairn.overload.limit", "sometimes"), "cairn.overload.limit");
    }
}
