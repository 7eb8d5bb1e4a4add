package dev.cairn.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.net.http.HttpResponse;

import dev.cairn.support.CairnServerTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

/** {@code POST /v1/privacy/epsilon} on a running server: the figure, its key check, and every refusal in the OpenAI error shape. */
class PrivacyApiTest extends CairnServerTest {

    private static final String PATH = "/v1/privacy/epsilon";

    @Test
    void answersTheReferenceFigureToAnyWorkspaceKey() {
        HttpResponse<String> response = post(PATH, createKey("ws-privacy"),
                "{\"noise_multiplier\":1.5,\"sample_rate\":0.04,\"steps\":2250,\"delta\":1e-5}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode json = json(response);
        assertThat(json.path("epsilon").asDouble()).isCloseTo(7.32911, within(5e-6));
        assertThat(json.path("order").asDouble()).isEqualTo(3.9);
        assertThat(json.path("delta").asDouble()).isEqualTo(1e-5);
    }

    @Test
    void noStepsSpendNothing() {
        JsonNode json = json(post(PATH, createKey("ws-privacy"),
                "{\"noise_multiplier\":1,\"sample_rate\":0.5,\"steps\":0,\"delta\":1e-5}"));
        assertThat(json.path("epsilon").asDouble()).isZero();
        assertThat(json.path("order").isNull()).isTrue();
    }

    @Test
    void needsAKey() {
        HttpResponse<String> response = post(PATH, "ck_not-a-key",
                "{\"noise_multiplier\":1.5,\"sample_rate\":0.04,\"steps\":2250,\"delta\":1e-5}");
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(json(response).path("error").path("type").asString()).isNotEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"noise_multiplier\":0,\"sample_rate\":0.04,\"steps\":10,\"delta\":1e-5}|noise_multiplier|invalid_value",
            "{\"noise_multiplier\":-1.5,\"sample_rate\":0.04,\"steps\":10,\"delta\":1e-5}|noise_multiplier|invalid_value",
            "{\"noise_multiplier\":\"1.5\",\"sample_rate\":0.04,\"steps\":10,\"delta\":1e-5}|noise_multiplier|invalid_type",
            "{\"noise_multiplier\":\"NaN\",\"sample_rate\":0.04,\"steps\":10,\"delta\":1e-5}|noise_multiplier|invalid_type",
            "{\"sample_rate\":0.04,\"steps\":10,\"delta\":1e-5}|noise_multiplier|missing_required_parameter",
            "{\"noise_multiplier\":null,\"sample_rate\":0.04,\"steps\":10,\"delta\":1e-5}|noise_multiplier|missing_required_parameter",
            "{\"noise_multiplier\":1.5,\"sample_rate\":0,\"steps\":10,\"delta\":1e-5}|sample_rate|invalid_value",
            "{\"noise_multiplier\":1.5,\"sample_rate\":1.5,\"steps\":10,\"delta\":1e-5}|sample_rate|invalid_value",
            "{\"noise_multiplier\":1.5,\"sample_rate\":-0.1,\"steps\":10,\"delta\":1e-5}|sample_rate|invalid_value",
            "{\"noise_multiplier\":1.5,\"sample_rate\":[0.1],\"steps\":10,\"delta\":1e-5}|sample_rate|invalid_type",
            "{\"noise_multiplier\":1.5,\"sample_rate\":0.04,\"steps\":-1,\"delta\":1e-5}|steps|invalid_value",
            "{\"noise_multiplier\":1.5,\"sample_rate\":0.04,\"steps\":2.5,\"delta\":1e-5}|steps|invalid_type",
            "{\"noise_multiplier\":1.5,\"sample_rate\":0.04,\"steps\":1e30,\"delta\":1e-5}|steps|invalid_type",
            "{\"noise_multiplier\":1.5,\"sample_rate\":0.04,\"delta\":1e-5}|steps|missing_required_parameter",
            "{\"noise_multiplier\":1.5,\"sample_rate\":0.04,\"steps\":10,\"delta\":0}|delta|invalid_value",
            "{\"noise_multiplier\":1.5,\"sample_rate\":0.04,\"steps\":10,\"delta\":1}|delta|invalid_value",
            "{\"noise_multiplier\":1.5,\"sample_rate\":0.04,\"steps\":10,\"delta\":\"1e-5\"}|delta|invalid_type",
            "{\"noise_multiplier\":1.5,\"sample_rate\":0.04,\"steps\":10}|delta|missing_required_parameter",
            "{\"noise_multiplier\":1.5,\"sample_rate\":0.04,\"steps\":10,\"delta\":1e-5,\"sigma\":1}|sigma|unknown_parameter",
            "{\"noise_multiplier\":1e400,\"sample_rate\":0.04,\"steps\":10,\"delta\":1e-5}|noise_multiplier|invalid_value",
    })
    void badInputIsA400NamingTheField(String body, String param, String code) {
        HttpResponse<String> response = post(PATH, createKey("ws-privacy"), body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        JsonNode error = json(response).path("error");
        assertThat(error.path("type").asString()).isEqualTo("invalid_request_error");
        assertThat(error.path("param").asString()).as(response.body()).isEqualTo(param);
        assertThat(error.path("code").asString()).as(response.body()).isEqualTo(code);
        assertThat(error.path("message").asString()).isNotBlank();
    }

    /** A bare NaN is not JSON at all: the body is refused before any field is read. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"noise_multiplier\":NaN,\"sample_rate\":0.04,\"steps\":10,\"delta\":1e-5}",
            "[1.5, 0.04, 10, 1e-5]",
            "''",
    })
    void aBodyThatIsNoJsonObjectIsA400(String body) {
        HttpResponse<String> response = post(PATH, createKey("ws-privacy"), body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(json(response).path("error").path("code").asString()).isEqualTo("invalid_json");
    }
}
