package dev.cairn.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import com.openai.core.JsonValue;
import com.openai.core.http.HttpResponseFor;
import com.openai.models.FunctionDefinition;
import com.openai.models.ResponseFormatJsonObject;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.cairn.ledger.Checkpoint;
import dev.cairn.ledger.TileId;
import dev.cairn.platform.JsonBodies;
import dev.cairn.support.CairnServerTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A request field is readable in the log only when it is on the list of known parameters: metadata,
 * safety_identifier, prompt_cache_key, stop, tool definitions and any field Cairn does not know are
 * sealed under the subject's key, absent from the entry's bytes and its tile, readable opened, and
 * gone with the subject.
 */
class SealedUnlessKnownSafeTest extends CairnServerTest {

    private static final String[] PERSONAL = {"carol@example.com", "safety-carol-77", "cache-carol-88", "QUOKKA-STOP",
            "UNKNOWN-FIELD-VALUE-99", "Looks up Carol's orders"};

    @Test
    void fieldsNotKnownToBeSafeAreSealedShownOpenedAndErasedWithTheSubject() throws Exception {
        String key = createKey("ws-sealed-params");
        String auditor = createKeyWithRole("ws-sealed-params", "auditor");
        HttpResponseFor<ChatCompletion> raw = openAi(key).chat().completions().withRawResponse().create(
                ChatCompletionCreateParams.builder().model("fake/gpt-fake").addUserMessage("where is my order?")
                        .user("carol").temperature(0.3).maxCompletionTokens(40).seed(7)
                        .metadata(ChatCompletionCreateParams.Metadata.builder()
                                .putAdditionalProperty("customer_email", JsonValue.from("carol@example.com")).build())
                        .safetyIdentifier("safety-carol-77").promptCacheKey("cache-carol-88").stop("QUOKKA-STOP")
                        .responseFormat(ResponseFormatJsonObject.builder().build())
                        .addFunctionTool(FunctionDefinition.builder().name("lookup_order")
                                .description("Looks up Carol's orders").build())
                        .putAdditionalBodyProperty("x_trace_note", JsonValue.from("UNKNOWN-FIELD-VALUE-99"))
                        .build());
        String requestId = raw.headers().values("Cairn-Request-Id").getFirst();

        JsonNode proof = json(get("/v1/audit/requests/" + requestId, key));
        String canonical = new String(Base64.getDecoder().decode(proof.path("entry_canonical").asString()), StandardCharsets.UTF_8);
        assertThat(canonical).doesNotContain(PERSONAL);
        JsonNode shown = proof.path("entry").path("data").path("request");
        assertThat(shown.path("temperature").asDouble()).isEqualTo(0.3);
        assertThat(shown.path("max_completion_tokens").asInt()).isEqualTo(40);
        assertThat(shown.path("seed").asInt()).isEqualTo(7);
        assertThat(shown.path("tools")).as("the tools' types and names only")
                .isEqualTo(tree("[{\"type\":\"function\",\"name\":\"lookup_order\"}]"));
        assertThat(shown.path("response_format")).isEqualTo(tree("{\"type\":\"json_object\"}"));
        for (String sealed : new String[] {"metadata", "safety_identifier", "prompt_cache_key", "stop", "x_trace_note", "user"}) {
            assertThat(shown.has(sealed)).as(sealed).isFalse();
        }
        assertThat(bundleHolding(proof.path("index").asLong(), auditor)).as("the entry's public tile").doesNotContain(PERSONAL);

        JsonNode content = proof.path("content");
        JsonNode sealed = content.path("request");
        assertThat(sealed.path("metadata").path("customer_email").asString()).isEqualTo("carol@example.com");
        assertThat(sealed.path("safety_identifier").asString()).isEqualTo("safety-carol-77");
        assertThat(sealed.path("prompt_cache_key").asString()).isEqualTo("cache-carol-88");
        assertThat(sealed.path("x_trace_note").asString()).isEqualTo("UNKNOWN-FIELD-VALUE-99");
        assertThat(sealed.path("tools").get(0).path("function").path("description").asString())
                .as("the tools' full definitions").isEqualTo("Looks up Carol's orders");
        assertThat(content.path("user").asString()).isEqualTo("carol");
        assertThat(sealed.has("temperature")).as("a parameter shown as sent is not sealed twice").isFalse();
        assertThat(RecordedRequest.of(proof.path("entry").path("data"), content).path("tools"))
                .as("the request put back together").isEqualTo(sealed.path("tools"));

        HttpResponse<String> erased = post("/v1/audit/subjects/carol/erase?workspace=ws-sealed-params", ADMIN_KEY, "");
        assertThat(erased.statusCode()).isEqualTo(200);
        JsonNode after = json(get("/v1/audit/requests/" + requestId, key));
        assertThat(after.path("content_state").asString()).isEqualTo("erased");
        assertThat(after.toString()).doesNotContain(PERSONAL);
    }

    private static JsonNode tree(String text) {
        return JsonBodies.JSON.readTree(text);
    }

    /** The entry bundle holding entry {@code index}, as the latest checkpoint's tiles serve it. */
    private String bundleHolding(long index, String auditor) throws Exception {
        post("/log/checkpoint", auditor, "");
        Checkpoint checkpoint = Checkpoint.parse(get("/log/checkpoint", auditor).body().lines()
                .limit(3).reduce("", (a, b) -> a + b + "\n"));
        long tile = index / TileId.WIDTH;
        int width = (int) Math.min(TileId.WIDTH, checkpoint.size() - tile * TileId.WIDTH);
        HttpResponse<String> bundle = get("/log/" + TileId.entries(tile, width).path(), auditor);
        assertThat(bundle.statusCode()).isEqualTo(200);
        return bundle.body();
    }
}
