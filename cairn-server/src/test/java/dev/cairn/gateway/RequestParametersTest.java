package dev.cairn.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.platform.JsonBodies;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Field by field: shown only when listed for the API and of the listed form; the rest sealed whole. */
class RequestParametersTest {

    private static ObjectNode json(String text) {
        return (ObjectNode) JsonBodies.JSON.readTree(text);
    }

    @Test
    void listedParametersOfTheirFormAreShownAndNotSealedTwice() {
        RequestParameters.Split split = RequestParameters.split("chat", json("""
                {"model":"gpt-4o","temperature":0.2,"top_p":1,"n":2,"max_completion_tokens":50,"seed":9,"stream":true,
                 "stream_options":{"include_usage":true},"service_tier":"flex","reasoning_effort":"low","tool_choice":"auto",
                 "messages":[{"role":"user","content":"hi"}],"user":"erin"}"""));

        assertThat(split.clear()).isEqualTo(json("""
                {"model":"gpt-4o","temperature":0.2,"top_p":1,"n":2,"max_completion_tokens":50,"seed":9,"stream":true,
                 "stream_options":{"include_usage":true},"service_tier":"flex","reasoning_effort":"low","tool_choice":"auto"}"""));
        assertThat(split.sealed().isEmpty()).as("content fields are sealed at the top, not here").isTrue();
    }

    @Test
    void aListedFieldOfAnotherFormIsSealedWhole() {
        RequestParameters.Split split = RequestParameters.split("chat", json("""
                {"temperature":"erin@example.com","service_tier":"erin@example.com","stream_options":{"include_usage":true,"note":"erin"},
                 "modalities":["text","erin"]}"""));

        assertThat(split.clear()).isEqualTo(json("{\"stream_options\":{\"include_usage\":true}}"));
        assertThat(split.sealed()).isEqualTo(json("""
                {"temperature":"erin@example.com","service_tier":"erin@example.com","stream_options":{"include_usage":true,"note":"erin"},
                 "modalities":["text","erin"]}"""));
    }

    @Test
    void toolsShowTheirTypesAndNamesAndAFormatItsType() {
        ObjectNode request = json("""
                {"tools":[{"type":"function","function":{"name":"find_order","description":"Finds Erin's orders","parameters":{}}},
                          {"type":"function","function":{"name":"Erin Smith's tool"}}],
                 "tool_choice":{"type":"function","function":{"name":"find_order"}},
                 "response_format":{"type":"json_schema","json_schema":{"name":"erin","schema":{}}}}""");

        RequestParameters.Split split = RequestParameters.split("responses", request);

        assertThat(split.clear()).isEqualTo(json("""
                {"tools":[{"type":"function","name":"find_order"},{"type":"function"}],
                 "tool_choice":{"type":"function","function":{"name":"find_order"}},
                 "response_format":{"type":"json_schema"}}"""));
        assertThat(split.sealed().get("tools")).isEqualTo(request.get("tools"));
        assertThat(split.sealed().get("response_format")).isEqualTo(request.get("response_format"));
        assertThat(split.sealed().has("tool_choice")).as("shown exactly as sent").isFalse();
    }

    @Test
    void everythingElseIsSealedAndEachApiHasItsOwnList() {
        ObjectNode chat = json("""
                {"metadata":{"customer_email":"erin@example.com"},"safety_identifier":"s","prompt_cache_key":"k","stop":["x"],
                 "logit_bias":{"123":5},"x_custom":1,"encoding_format":"float"}""");

        RequestParameters.Split split = RequestParameters.split("chat", chat);

        assertThat(split.clear().isEmpty()).as("encoding_format is an embeddings parameter").isTrue();
        assertThat(split.sealed()).isEqualTo(chat);
        JsonNode embeddings = RequestParameters.split("embeddings", json("""
                {"model":"m","input":["erin"],"encoding_format":"float","dimensions":256,"temperature":1}""")).clear();
        assertThat(embeddings).isEqualTo(json("{\"model\":\"m\",\"encoding_format\":\"float\",\"dimensions\":256}"));
        assertThat(RequestParameters.split("completions", json("{\"echo\":true,\"best_of\":2}")).clear())
                .isEqualTo(json("{\"echo\":true,\"best_of\":2}"));
        assertThat(RequestParameters.api("chat.completions", json("{\"api\":\"messages\"}"))).isEqualTo("messages");
        assertThat(RequestParameters.api("embeddings", null)).isEqualTo("embeddings");
    }
}
