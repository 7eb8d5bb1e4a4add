package dev.cairn.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import dev.cairn.support.CairnServerTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The whole /health/ready answer, as the features' checks make it, kept byte for byte. */
class ReadinessTest extends CairnServerTest {

    @Test
    void readyListsEveryCheckInItsOrder() {
        HttpResponse<String> ready = get("/health/ready", null);
        assertThat(ready.statusCode()).isEqualTo(200);
        // Providers bind from a map whose order varies from run to run, the deployments' breakers
        // list whatever the tests before this one called, and the adaptive limit moves with their
        // latency; the rest is fixed.
        assertThat(ready.body().replaceFirst("\"configured\":\\[[^]]*]", "\"configured\":[…]")
                .replaceFirst("\"store\":\"local\"[^}]*}", "\"store\":\"local\",…}")
                .replaceFirst("\"limit\":\"[0-9]+\"", "\"limit\":\"…\"")).isEqualTo("""
                {"checks":{"database":{"status":"UP"},"providers":{"status":"UP","configured":[…]},\
                "deployments":{"status":"UP","store":"local",…},"redis":{"status":"DISABLED"},"audit":{"status":"UP"},\
                "overload":{"status":"UP","overloaded":"false","limit":"…","in_flight":"0","shed":"0"}},"status":"UP"}""");
        assertThat(json(ready).get("checks").get("providers").get("configured").valueStream().map(JsonNode::stringValue))
                .containsExactlyInAnyOrder("cairn", "fake", "dead", "silent", "claude");
    }
}
