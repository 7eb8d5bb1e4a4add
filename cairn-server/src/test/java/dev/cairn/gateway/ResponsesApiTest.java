package dev.cairn.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.ObjectMappers;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseStreamEvent;
import dev.cairn.support.CairnServerTest;
import dev.cairn.support.FakeUpstream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class ResponsesApiTest extends CairnServerTest {

    private static final String MODEL = "fake/gpt-fake";

    @Test
    void theOpenAiSdksResponsesCreateGetsTheUpstreamsAnswerAsAResponse() {
        OpenAIClient client = openAi(createKey("resp-plain"));

        Response response = client.responses().create(ResponseCreateParams.builder()
                .model(MODEL).instructions("Answer briefly").input("Say hello").temperature(0.2).maxOutputTokens(50).build());

        response.validate();
        assertThat(response.id()).startsWith("resp_");
        assertThat(response.status()).hasValueSatisfying(s -> assertThat(s.asString()).isEqualTo("completed"));
        assertThat(response.output()).hasSize(1);
        assertThat(response.output().getFirst().asMessage().content().getFirst().asOutputText().text()).isEqualTo("Hello from upstream");
        assertThat(response.usage().orElseThrow().inputTokens()).isEqualTo(11);
        assertThat(response.usage().orElseThrow().outputTokens()).isEqualTo(3);
        assertThat(response.usage().orElseThrow().totalTokens()).isEqualTo(14);
        assertThat(response.instructions()).isPresent();
        JsonNode upstream = UPSTREAM.last().json();
        assertThat(upstream.path("messages").toString())
                .isEqualTo("[{\"role\":\"system\",\"content\":\"Answer briefly\"},{\"role\":\"user\",\"content\":\"Say hello\"}]");
        assertThat(upstream.path("max_completion_tokens").asInt()).isEqualTo(50);
        assertThat(upstream.path("temperature").asDouble()).isEqualTo(0.2);
        assertThat(upstream.has("store")).isFalse();
    }

    @Test
    void aStreamedResponseComesAsTheResponsesEventsInOrder() {
        OpenAIClient client = openAi(createKey("resp-stream"));
        List<ResponseStreamEvent> events = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(ResponseCreateParams.builder()
                .model(MODEL).input("Say hello").build())) {
            stream.stream().forEach(events::add);
        }

        events.forEach(ResponseStreamEvent::validate);
        List<String> types = events.stream().map(e -> tree(e).path("type").asString()).toList();
        assertThat(types).containsExactly("response.created", "response.in_progress", "response.output_item.added",
                "response.content_part.added", "response.output_text.delta", "response.output_text.delta",
                "response.output_text.delta", "response.output_text.done", "response.content_part.done",
                "response.output_item.done", "response.completed");
        StringBuilder text = new StringBuilder();
        events.stream().filter(ResponseStreamEvent::isOutputTextDelta).forEach(e -> text.append(e.asOutputTextDelta().delta()));
        assertThat(text).hasToString("Hello from upstream");
        for (int i = 0; i < events.size(); i++) {
            assertThat(sequenceNumber(events.get(i))).isEqualTo(i);
        }
        Response completed = events.getLast().asCompleted().response();
        assertThat(completed.usage().orElseThrow().totalTokens()).isEqualTo(14);
        assertThat(completed.output().getFirst().asMessage().content().getFirst().asOutputText().text()).isEqualTo("Hello from upstream");

        // The stored response reads back as the stream ended it.
        Response retrieved = client.responses().retrieve(completed.id());
        assertThat(retrieved.output().getFirst().asMessage().content().getFirst().asOutputText().text()).isEqualTo("Hello from upstream");
        assertThat(retrieved.output().getFirst().asMessage().id()).isEqualTo(completed.output().getFirst().asMessage().id());
    }

    @Test
    void aToolCallRoundTripsThroughPreviousResponseId() {
        OpenAIClient client = openAi(createKey("resp-tools"));
        UPSTREAM.handler((exchange, request) -> {
            boolean answered = request.json().path("messages").toString().contains("\"role\":\"tool\"");
            FakeUpstream.json(exchange, 200, answered ? """
                    {"id":"c2","object":"chat.completion","created":1,"model":"gpt-fake","choices":[{"index":0,
                     "message":{"role":"assistant","content":"It is sunny in Paris"},"finish_reason":"stop"}],
                     "usage":{"prompt_tokens":30,"completion_tokens":6,"total_tokens":36}}""" : """
                    {"id":"c1","object":"chat.completion","created":1,"model":"gpt-fake","choices":[{"index":0,
                     "message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
                     "function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}}]},"finish_reason":"tool_calls"}],
                     "usage":{"prompt_tokens":20,"completion_tokens":9,"total_tokens":29}}""");
        });
        FunctionTool weather = FunctionTool.builder().name("get_weather").description("The weather in a city").strict(false)
                .parameters(FunctionTool.Parameters.builder().putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string")))).build())
                .build();

        Response first = client.responses().create(ResponseCreateParams.builder()
                .model(MODEL).input("Weather in Paris?").addTool(weather).build());
        first.validate();
        ResponseFunctionToolCall call = first.output().getFirst().asFunctionCall();
        assertThat(call.callId()).isEqualTo("call_1");
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(call.arguments()).isEqualTo("{\"city\":\"Paris\"}");
        JsonNode firstUpstream = UPSTREAM.last().json();
        assertThat(firstUpstream.path("tools").get(0).path("function").path("name").asString()).isEqualTo("get_weather");
        assertThat(firstUpstream.path("tools").get(0).path("function").path("parameters").path("type").asString()).isEqualTo("object");

        Response second = client.responses().create(ResponseCreateParams.builder()
                .model(MODEL).previousResponseId(first.id()).addTool(weather)
                .inputOfResponse(List.of(ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput.builder()
                        .callId("call_1").output("sunny, 24C").build())))
                .build());

        assertThat(second.output().getFirst().asMessage().content().getFirst().asOutputText().text()).isEqualTo("It is sunny in Paris");
        assertThat(second.previousResponseId()).contains(first.id());
        JsonNode messages = UPSTREAM.last().json().path("messages");
        assertThat(messages).hasSize(3);
        assertThat(messages.get(0).path("role").asString()).isEqualTo("user");
        assertThat(messages.get(0).path("content").asString()).isEqualTo("Weather in Paris?");
        assertThat(messages.get(1).path("role").asString()).isEqualTo("assistant");
        assertThat(messages.get(1).path("tool_calls").get(0).path("id").asString()).isEqualTo("call_1");
        assertThat(messages.get(1).path("tool_calls").get(0).path("function").path("arguments").asString()).isEqualTo("{\"city\":\"Paris\"}");
        assertThat(messages.get(2).toString()).isEqualTo("{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"sunny, 24C\"}");
    }

    @Test
    void previousResponseIdContinuesTheConversationOnTheMemoryThreadItNamed() {
        String key = createKey("resp-chain");
        HttpResponse<String> first = send(HttpRequest.newBuilder(URI.create(url("/v1/responses")))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .header("Cairn-Thread", "ada-chat")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"model":"%s","instructions":"Be terse","input":"My name is Ada"}""".formatted(MODEL))).build());
        String firstId = json(first).path("id").asString();
        HttpResponse<String> second = post("/v1/responses", key, """
                {"model":"%s","previous_response_id":"%s","input":"What is my name?"}""".formatted(MODEL, firstId));

        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        assertThat(json(second).path("previous_response_id").asString()).isEqualTo(firstId);
        JsonNode messages = UPSTREAM.last().json().path("messages");
        // The earlier instructions do not carry over; the earlier turn and its answer do.
        List<String> sent = new ArrayList<>();
        messages.forEach(m -> sent.add(m.path("role").asString() + ":" + m.path("content").asString("")));
        assertThat(sent).containsSubsequence("user:My name is Ada", "assistant:Hello from upstream", "user:What is my name?");
        assertThat(sent).doesNotContain("system:Be terse");

        JsonNode firstData = auditData(first);
        JsonNode secondData = auditData(second);
        // The thread the first response named carries on to the one that continues it.
        assertThat(firstData.path("memory").path("thread_id").asString()).isEqualTo("ada-chat");
        assertThat(secondData.path("memory").path("thread_id").asString()).isEqualTo("ada-chat");
        assertThat(secondData.path("responses").path("previous_response_id").asString()).isEqualTo(firstId);
    }

    @Test
    void anItemReferenceNamesAStoredResponsesOutputItem() {
        String key = createKey("resp-item-ref");
        JsonNode first = json(post("/v1/responses", key, """
                {"model":"%s","input":"Tell me a fact"}""".formatted(MODEL)));
        String messageId = first.path("output").get(0).path("id").asString();

        HttpResponse<String> second = post("/v1/responses", key, """
                {"model":"%s","input":[{"role":"user","content":"Tell me a fact"},{"type":"item_reference","id":"%s"},
                 {"role":"user","content":"Another"}]}""".formatted(MODEL, messageId));

        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        JsonNode messages = UPSTREAM.last().json().path("messages");
        assertThat(messages.get(1).path("role").asString()).isEqualTo("assistant");
        assertThat(messages.get(1).path("content").asString()).isEqualTo("Hello from upstream");
        assertRefused(post("/v1/responses", createKey("resp-item-ref-other"), """
                {"model":"%s","input":[{"type":"item_reference","id":"%s"}]}""".formatted(MODEL, messageId)),
                404, "item_not_found", "input[0].id");
    }

    @Test
    void theAuditEntrySaysTheCallCameThroughTheResponsesApi() {
        String key = createKey("resp-audit");
        HttpResponse<String> created = post("/v1/responses", key, """
                {"model":"%s","input":"Hello"}""".formatted(MODEL));

        String requestId = created.headers().firstValue(GatewayPipeline.REQUEST_ID_HEADER).orElseThrow();
        JsonNode audit = json(get("/v1/audit/requests/" + requestId, ADMIN_KEY));
        assertThat(audit.path("entry").path("data").path("api").asString()).isEqualTo("responses");
        assertThat(audit.path("entry").path("data").path("responses").path("id").asString()).isEqualTo(json(created).path("id").asString());
        assertThat(audit.path("content").path("messages").get(0).path("content").asString()).isEqualTo("Hello");
    }

    @Test
    void aRetrievedResponseIsTheOneCreatedAndADeletedOneIsGone() {
        String key = createKey("resp-crud");
        OpenAIClient client = openAi(key);
        Response created = client.responses().create(ResponseCreateParams.builder().model(MODEL).input("Hi")
                .metadata(ResponseCreateParams.Metadata.builder().putAdditionalProperty("purpose", JsonValue.from("test")).build()).build());

        Response retrieved = client.responses().retrieve(created.id());
        retrieved.validate();
        assertThat(retrieved.id()).isEqualTo(created.id());
        assertThat(retrieved.createdAt()).isEqualTo(created.createdAt());
        assertThat(retrieved.output()).isEqualTo(created.output());
        assertThat(retrieved.usage()).isEqualTo(created.usage());
        assertThat(retrieved.metadata()).isEqualTo(created.metadata());

        HttpResponse<String> deleted = send(HttpRequest.newBuilder(URI.create(url("/v1/responses/" + created.id())))
                .header("Authorization", "Bearer " + key).DELETE().build());
        assertThat(json(deleted).toString()).isEqualTo("{\"id\":\"" + created.id() + "\",\"object\":\"response\",\"deleted\":true}");

        assertThatThrownBy(() -> client.responses().retrieve(created.id())).isInstanceOf(NotFoundException.class);
        assertRefused(post("/v1/responses", key, """
                {"model":"%s","previous_response_id":"%s","input":"again"}""".formatted(MODEL, created.id())),
                404, "response_not_found", "previous_response_id");
        assertThatThrownBy(() -> client.responses().delete(created.id())).isInstanceOf(NotFoundException.class);
    }

    @Test
    void storeFalseKeepsNothing() {
        String key = createKey("resp-nostore");
        HttpResponse<String> created = post("/v1/responses", key, """
                {"model":"%s","input":"Hi","store":false}""".formatted(MODEL));

        assertThat(created.statusCode()).isEqualTo(200);
        assertThat(json(created).path("store").asBoolean(true)).isFalse();
        assertRefused(get("/v1/responses/" + json(created).path("id").asString(), key), 404, "response_not_found", null);
        String requestId = created.headers().firstValue(GatewayPipeline.REQUEST_ID_HEADER).orElseThrow();
        assertThat(json(get("/v1/audit/requests/" + requestId, ADMIN_KEY)).path("entry").path("data").has("memory")).isFalse();
    }

    @Test
    void anotherWorkspacesResponseIsNotFound() {
        String id = json(post("/v1/responses", createKey("resp-owner"), """
                {"model":"%s","input":"Hi"}""".formatted(MODEL))).path("id").asString();
        String stranger = createKey("resp-stranger");

        assertRefused(get("/v1/responses/" + id, stranger), 404, "response_not_found", null);
        assertRefused(post("/v1/responses", stranger, """
                {"model":"%s","previous_response_id":"%s","input":"Hi"}""".formatted(MODEL, id)),
                404, "response_not_found", "previous_response_id");
        assertRefused(send(HttpRequest.newBuilder(URI.create(url("/v1/responses/" + id)))
                .header("Authorization", "Bearer " + stranger).DELETE().build()), 404, "response_not_found", null);
    }

    @Test
    void badRequestsAreRefusedInTheOpenAiShapeAndRecorded() {
        String key = createKey("resp-bad");
        assertRefused(post("/v1/responses", key, "{not json"), 400, "invalid_json", null);
        assertRefused(post("/v1/responses", key, "{\"model\":\"%s\"}".formatted(MODEL)), 400, "missing_required_parameter", "input");
        assertRefused(post("/v1/responses", key, "{\"model\":\"%s\",\"input\":42}".formatted(MODEL)), 400, "invalid_type", "input");
        assertRefused(post("/v1/responses", key, "{\"model\":\"%s\",\"input\":\"x\",\"stream\":\"yes\"}".formatted(MODEL)),
                400, "invalid_type", "stream");
        assertRefused(post("/v1/responses", key, "{\"model\":\"%s\",\"input\":[{\"type\":\"message\",\"role\":\"robot\",\"content\":\"x\"}]}"
                .formatted(MODEL)), 400, "invalid_value", "input[0].role");
        assertRefused(post("/v1/responses", key, "{\"model\":\"%s\",\"input\":\"x\",\"tools\":[{\"type\":\"web_search\"}]}"
                .formatted(MODEL)), 400, "unsupported_parameter", "tools[0].type");
        assertRefused(post("/v1/responses", key, "{\"model\":\"%s\",\"input\":\"x\",\"previous_response_id\":\"resp_nope\"}"
                .formatted(MODEL)), 404, "response_not_found", "previous_response_id");
        assertRefused(post("/v1/responses", key, "{\"model\":\"%s\",\"input\":\"%s\"}".formatted(MODEL, "a".repeat(70_000))),
                413, "request_too_large", null);
        assertRefused(get("/v1/responses/resp_nope", key), 404, "response_not_found", null);
        assertThat(UPSTREAM.received()).isEmpty();

        HttpResponse<String> bad = post("/v1/responses", key, "{\"model\":\"%s\",\"input\":42}".formatted(MODEL));
        String requestId = bad.headers().firstValue(GatewayPipeline.REQUEST_ID_HEADER).orElseThrow();
        JsonNode data = json(get("/v1/audit/requests/" + requestId, ADMIN_KEY)).path("entry").path("data");
        assertThat(data.path("status").asInt()).isEqualTo(400);
        assertThat(data.path("api").asString()).isEqualTo("responses");
    }

    @Test
    void aResponseWhoseSubjectWasErasedCanNeitherBeReadNorContinued() {
        String key = createKey("resp-erase");
        HttpResponse<String> created = send(HttpRequest.newBuilder(URI.create(url("/v1/responses")))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .header("Cairn-Subject", "alice")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"%s\",\"input\":\"I am Alice\"}".formatted(MODEL))).build());
        String id = json(created).path("id").asString();
        assertThat(get("/v1/responses/" + id, key).statusCode()).isEqualTo(200);

        HttpResponse<String> erased = post("/v1/audit/subjects/alice/erase?workspace=resp-erase", ADMIN_KEY, "");
        assertThat(erased.statusCode()).as(erased.body()).isEqualTo(200);

        assertRefused(get("/v1/responses/" + id, key), 410, "response_erased", null);
        assertRefused(post("/v1/responses", key, """
                {"model":"%s","previous_response_id":"%s","input":"Who am I?"}""".formatted(MODEL, id)),
                410, "response_erased", "previous_response_id");
        assertThat(UPSTREAM.received()).hasSize(1);
    }

    @Test
    void aStreamThatFailsAfterItStartedEndsWithResponseFailed() {
        String key = createKey("resp-stream-fail");
        UPSTREAM.handler((exchange, request) -> {
            FakeUpstream.sseHeaders(exchange);
            OutputStream out = exchange.getResponseBody();
            FakeUpstream.event(out, """
                    {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-fake","choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}]}""");
            out.write("data: {broken\n\n".getBytes());
            out.flush();
        });
        HttpResponse<String> streamed = post("/v1/responses", key, """
                {"model":"%s","input":"Hi","stream":true}""".formatted(MODEL));

        assertThat(streamed.statusCode()).isEqualTo(200);
        String[] blocks = streamed.body().strip().split("\n\n");
        assertThat(blocks[blocks.length - 1]).startsWith("event: response.failed\ndata: ");
        assertThat(blocks[0]).startsWith("event: response.created\ndata: ");
        assertThat(streamed.body()).doesNotContain("data: [DONE]");
    }

    private JsonNode auditData(HttpResponse<String> response) {
        String requestId = response.headers().firstValue(GatewayPipeline.REQUEST_ID_HEADER).orElseThrow();
        return json(get("/v1/audit/requests/" + requestId, ADMIN_KEY)).path("entry").path("data");
    }

    private static long sequenceNumber(ResponseStreamEvent event) {
        return tree(event).path("sequence_number").asLong();
    }

    /** The event as the SDK read it, as JSON. */
    private static JsonNode tree(ResponseStreamEvent event) {
        try {
            return FakeUpstream.JSON.readTree(ObjectMappers.jsonMapper().writeValueAsString(event));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
