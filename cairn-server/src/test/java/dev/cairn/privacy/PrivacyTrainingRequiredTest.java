package dev.cairn.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import dev.cairn.support.CairnServerTest;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** With {@code cairn.privacy.require-private-training}, a training run without differential privacy is a 409 before anything else. */
class PrivacyTrainingRequiredTest extends CairnServerTest {

    @DynamicPropertySource
    static void privateOnly(DynamicPropertyRegistry registry) {
        registry.add("cairn.privacy.require-private-training", () -> "true");
    }

    @Test
    void aRunWithoutPrivacyIsRefused() {
        String key = createKey("ws-private-only");
        HttpResponse<String> refused = post("/v1/training/runs", key, "{\"dataset_id\":\"ds_any\",\"model\":\"m\"}");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
        assertThat(json(refused).path("error").path("code").asString()).isEqualTo("private_training_required");
        assertThat(json(refused).path("error").path("param").asString()).isEqualTo("privacy");
        // A private one gets past the switch, to the dataset lookup.
        HttpResponse<String> privateRun = post("/v1/training/runs", key,
                "{\"dataset_id\":\"ds_any\",\"model\":\"m\",\"privacy\":{\"epsilon\":8,\"delta\":1e-5}}");
        assertThat(privateRun.statusCode()).isEqualTo(404);
    }
}
