package dev.cairn.compliance.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.cairn.support.CairnServerTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** GET /v1/compliance/status on the whole server: auditor and admin keys see every check computed now. */
class ComplianceStatusEndToEndTest extends CairnServerTest {

    private static final String WORKSPACE = "ws-compliance-status";

    @Test
    void anAuditorKeySeesEveryCheckPassOnADeploymentRunAsConfigured() {
        String user = createKey(WORKSPACE);
        openAi(user).chat().completions().create(ChatCompletionCreateParams.builder().model("fake/gpt-fake")
                .addUserMessage("remember me").user("dana").build());
        HttpResponse<String> erased = post("/v1/audit/subjects/dana/erase?workspace=" + WORKSPACE, ADMIN_KEY, "");
        assertThat(erased.statusCode()).as(erased.body()).isEqualTo(200);
        String auditor = createKeyWithRole(WORKSPACE, "auditor");

        HttpResponse<String> response = get("/v1/compliance/status", auditor);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode status = json(response);
        assertThat(status.path("object").asString()).isEqualTo("compliance.status");
        assertThat(Duration.between(Instant.parse(status.path("checked_at").asString()), Instant.now()))
                .isBetween(Duration.ZERO, Duration.ofMinutes(1));
        JsonNode checks = status.path("checks");
        assertThat(checks.valueStream().map(check -> check.path("id").asString()))
                .containsExactly("retention", "durability", "checkpoints", "keys_sealed", "erasures");
        for (JsonNode check : checks) {
            assertThat(check.path("status").asString()).as(check.toString()).isEqualTo("pass");
            assertThat(check.path("reason").asString()).isNotBlank();
            assertThat(check.path("articles").isArray() && !check.path("articles").isEmpty()).isTrue();
            assertThat(check.path("observed").isObject()).isTrue();
        }
        assertThat(status.path("status").asString()).isEqualTo("pass");
        // Computed from what the server runs on: its SQLite file, its key files, its log.
        assertThat(checks.get(1).path("observed").path("sqlite_synchronous").asString()).isEqualTo("FULL");
        assertThat(checks.get(2).path("observed").path("tree_size").asLong()).isPositive();
        assertThat(checks.get(3).path("observed").path("master_key_mode").asString()).isEqualTo("0600");
        assertThat(checks.get(3).path("observed").path("signing_key_mode").asString()).isEqualTo("0600");
        assertThat(checks.get(4).path("observed").path("erasures").asLong()).isPositive();
        assertThat(checks.get(0).path("articles").get(0).asString()).isEqualTo("EU AI Act Art. 19");
    }

    @Test
    void anAdminKeyMayAskToo() {
        HttpResponse<String> response = get("/v1/compliance/status", ADMIN_KEY);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(json(response).path("checks").size()).isEqualTo(5);
    }

    @Test
    void userAndAnnotatorKeysAreRefusedInTheOpenAiShape() {
        assertRefused(get("/v1/compliance/status", createKey(WORKSPACE)), 403, "auditor_key_required", null);
        assertRefused(get("/v1/compliance/status", createKeyWithRole(WORKSPACE, "annotator")), 403, "user_key_required", null);
        assertRefused(get("/v1/compliance/status", null), 401, "missing_api_key", null);
    }
}
