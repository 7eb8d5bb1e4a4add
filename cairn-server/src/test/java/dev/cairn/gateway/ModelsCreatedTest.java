package dev.cairn.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.time.Instant;

import dev.cairn.support.CairnServerTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A model's {@code created} is when this Cairn took on its model configuration: a real time, not
 * zero, the same for every model, in the list and by id, and the same on every call.
 */
class ModelsCreatedTest extends CairnServerTest {

    @Test
    void everyModelHasTheTimeThisProcessTookOnItsConfiguration() {
        String key = createKey("models-created");
        JsonNode list = json(get("/v1/models", key)).get("data");
        assertThat(list.size()).isGreaterThanOrEqualTo(3);
        long created = list.get(0).get("created").longValue();

        long started = ManagementFactory.getRuntimeMXBean().getStartTime() / 1000;
        assertThat(created).isBetween(started, Instant.now().getEpochSecond());
        assertThat(list.values()).allSatisfy(model -> assertThat(model.get("created").longValue()).as(model.toString()).isEqualTo(created));

        for (String id : new String[] {"cairn/echo", "fake/gpt-fake", "fast", "fake/not-advertised"}) {
            assertThat(json(get("/v1/models/" + id, key)).get("created").longValue()).as(id).isEqualTo(created);
        }
        assertThat(json(get("/v1/models", key)).get("data").get(0).get("created").longValue()).isEqualTo(created);
    }
}
