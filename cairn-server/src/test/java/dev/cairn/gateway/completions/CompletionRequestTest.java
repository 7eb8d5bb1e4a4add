package dev.cairn.gateway.completions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.RequestException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** A legacy completions body as the chat body that serves it, and every field a chat model cannot honour refused by name. */
class CompletionRequestTest {

    private static CompletionRequest read(String json) {
        return CompletionRequest.of((ObjectNode) JsonBodies.JSON.readTree(json));
    }

    @Test
    void thePromptBecomesTheOneUserMessageAndEveryChatFieldGoesOnAsItCame() {
        CompletionRequest request = read("""
                {"model":"fake/gpt-fake","prompt":"Once upon a time","max_tokens":5,"temperature":0.2,"top_p":0.9,"n":2,
                 "stream":true,"stream_options":{"include_usage":true},"stop":["\\n","END"],"presence_penalty":0.1,
                 "frequency_penalty":0.3,"logit_bias":{"50256":-100},"seed":7,"user":"u-1","echo":false,
                 "suffix":null,"logprobs":null,"best_of":2,"metadata":{"k":"v"}}""");

        ObjectNode chat = request.chat();
        assertThat(chat.propertyNames()).startsWith("model", "messages");
        assertThat(chat.get("messages")).isEqualTo(JsonBodies.JSON.readTree("""
                [{"role":"user","content":"Once upon a time"}]"""));
        assertThat(chat.get("model").stringValue()).isEqualTo("fake/gpt-fake");
        assertThat(chat.get("max_tokens").intValue()).isEqualTo(5);
        assertThat(chat.get("temperature").doubleValue()).isEqualTo(0.2);
        assertThat(chat.get("top_p").doubleValue()).isEqualTo(0.9);
        assertThat(chat.get("n").intValue()).isEqualTo(2);
        assertThat(chat.get("stream").booleanValue()).isTrue();
        assertThat(chat.get("stream_options").get("include_usage").booleanValue()).isTrue();
        assertThat(chat.get("stop").toString()).isEqualTo("[\"\\n\",\"END\"]");
        assertThat(chat.get("presence_penalty").doubleValue()).isEqualTo(0.1);
        assertThat(chat.get("frequency_penalty").doubleValue()).isEqualTo(0.3);
        assertThat(chat.get("logit_bias").get("50256").intValue()).isEqualTo(-100);
        assertThat(chat.get("seed").intValue()).isEqualTo(7);
        assertThat(chat.get("user").stringValue()).isEqualTo("u-1");
        assertThat(chat.get("metadata").get("k").stringValue()).isEqualTo("v");
        // This API's own fields have no meaning to a chat model: none goes on.
        assertThat(chat.has("prompt") || chat.has("echo") || chat.has("suffix") || chat.has("logprobs") || chat.has("best_of")).isFalse();
        assertThat(request.prompt()).isEqualTo("Once upon a time");
        assertThat(request.echo()).isFalse();
    }

    @Test
    void maxTokensDefaultsTo16AsOpenAiDocumentsForThisApi() {
        assertThat(read("{\"model\":\"m\",\"prompt\":\"hi\"}").chat().get("max_tokens").intValue()).isEqualTo(16);
        assertThat(read("{\"model\":\"m\",\"prompt\":\"hi\",\"max_tokens\":null}").chat().get("max_tokens").intValue()).isEqualTo(16);
        ObjectNode chat = read("{\"model\":\"m\",\"prompt\":\"hi\",\"max_completion_tokens\":40}").chat();
        assertThat(chat.has("max_tokens")).as("the client's own limit stands alone").isFalse();
        assertThat(chat.get("max_completion_tokens").intValue()).isEqualTo(40);
    }

    @Test
    void anArrayOfOneStringIsThatPrompt() {
        CompletionRequest request = read("{\"model\":\"m\",\"prompt\":[\"just one\"],\"echo\":true}");
        assertThat(request.prompt()).isEqualTo("just one");
        assertThat(request.echo()).isTrue();
        assertThat(request.chat().get("messages").get(0).get("content").stringValue()).isEqualTo("just one");
    }

    @Test
    void fieldsThatAskForNothingAreAccepted() {
        read("{\"model\":\"m\",\"prompt\":\"hi\",\"suffix\":null,\"logprobs\":0,\"best_of\":1}");
        read("{\"model\":\"m\",\"prompt\":\"hi\",\"n\":3,\"best_of\":3}");
    }

    @ParameterizedTest(name = "{0} -> {1} on {2}")
    @CsvSource(delimiter = '|', textBlock = """
            {"model":"m"}                                    | missing_required_parameter | prompt
            {"model":"m","prompt":null}                      | missing_required_parameter | prompt
            {"model":"m","prompt":42}                        | invalid_type               | prompt
            {"model":"m","prompt":{"text":"hi"}}             | invalid_type               | prompt
            {"model":"m","prompt":[]}                        | invalid_type               | prompt
            {"model":"m","prompt":[true]}                    | invalid_type               | prompt
            {"model":"m","prompt":["one","two"]}             | unsupported_value          | prompt
            {"model":"m","prompt":[1934,374]}                | unsupported_value          | prompt
            {"model":"m","prompt":[[1934],[374]]}            | unsupported_value          | prompt
            {"model":"m","prompt":"hi","suffix":"end"}       | unsupported_parameter      | suffix
            {"model":"m","prompt":"hi","suffix":""}          | unsupported_parameter      | suffix
            {"model":"m","prompt":"hi","logprobs":5}         | unsupported_parameter      | logprobs
            {"model":"m","prompt":"hi","logprobs":true}      | unsupported_parameter      | logprobs
            {"model":"m","prompt":"hi","best_of":3}          | unsupported_parameter      | best_of
            {"model":"m","prompt":"hi","n":2,"best_of":4}    | unsupported_parameter      | best_of
            {"model":"m","prompt":"hi","best_of":"2"}        | invalid_type               | best_of
            {"model":"m","prompt":"hi","echo":"yes"}         | invalid_type               | echo
            {"model":"m","prompt":"hi","messages":[]}        | invalid_value              | messages
            """)
    void whatAChatModelCannotDoIsRefusedNamingTheField(String body, String code, String param) {
        assertThatThrownBy(() -> read(body))
                .isInstanceOfSatisfying(RequestException.class, e -> {
                    assertThat(e.error().status()).isEqualTo(400);
                    assertThat(e.error().code()).isEqualTo(code);
                    assertThat(e.error().param()).isEqualTo(param);
                    assertThat(e.error().message()).contains("'" + param + "'");
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"[\"one\",\"two\"]", "[\"a\",\"b\",\"c\"]"})
    void severalPromptsAreExplained(String prompt) {
        assertThatThrownBy(() -> read("{\"model\":\"m\",\"prompt\":" + prompt + "}"))
                .hasMessageContaining("its own request");
    }

    @Test
    void theChatBodyIsNewAndTheClientsBodyIsUnchanged() {
        ObjectNode body = (ObjectNode) JsonBodies.JSON.readTree("{\"model\":\"m\",\"prompt\":\"hi\",\"echo\":true}");
        JsonNode before = body.deepCopy();
        CompletionRequest.of(body);
        assertThat(body).isEqualTo(before);
    }
}
