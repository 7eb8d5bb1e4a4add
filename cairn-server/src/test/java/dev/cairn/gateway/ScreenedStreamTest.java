package dev.cairn.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.cairn.support.Settings;
import dev.cairn.guard.GuardProperties;
import dev.cairn.guard.Guard;
import dev.cairn.guard.GuardException;
import dev.cairn.guard.GuardPolicies;
import dev.cairn.guard.InputScreening;
import dev.cairn.guard.OutputGuard;
import dev.cairn.guard.OutputScreen;
import dev.cairn.platform.JsonBodies;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A streamed answer through the answer's guard, chunk by chunk, without a server: what reaches the
 * client is what the guard lets through, with log-probabilities only for text it did not change.
 */
class ScreenedStreamTest {

    private static final String GITHUB = "ghp_" + "Q1w2E3r4T5y6U7i8O9p0A1s2D3f4G5h6J7k8";
    private static final String HEAD = "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-s\",\"choices\":[";

    private final List<ChatChunk> sent = new ArrayList<>();

    /** The answer's guard of a request in a workspace with the default policy (secrets redacted) or {@code config} over it. */
    private static OutputScreen screen(Map<String, String> config) {
        GuardProperties properties = Settings.bind("cairn.guard", GuardProperties.class, config);
        return new OutputGuard(new Guard(new GuardPolicies(properties)), properties)
                .open("w", InputScreening.NONE, false);
    }

    private ScreenedStream stream(OutputScreen screen) {
        return new ScreenedStream(sent::add, screen, "req_test");
    }

    private static ChatChunk content(String text) {
        return ChatChunk.parse(HEAD + "{\"index\":0,\"delta\":{\"content\":" + quoted(text) + "},\"finish_reason\":null}]}");
    }

    private static ChatChunk finish(String reason) {
        return ChatChunk.parse(HEAD + "{\"index\":0,\"delta\":{},\"finish_reason\":\"" + reason + "\"}]}");
    }

    private static String quoted(String text) {
        return JsonBodies.JSON.writeValueAsString(text);
    }

    private static JsonNode json(ChatChunk chunk) {
        return JsonBodies.JSON.readTree(chunk.toString());
    }

    private String sentText(String field) {
        return sent.stream().map(ScreenedStreamTest::json).flatMap(c -> c.path("choices").valueStream())
                .map(c -> c.path("delta").path(field).asString("")).collect(Collectors.joining());
    }

    @Test
    void aSecretCutAcrossChunksReachesTheClientRedactedAndHeldPiecesAreNotSentEmpty() {
        OutputScreen screen = screen(Map.of());
        ScreenedStream stream = stream(screen);
        List<String> pieces = List.of("Use", " the", " token ", "gh", "p_", GITHUB.substring(4, 20), GITHUB.substring(20), " and", " go.");

        pieces.forEach(piece -> stream.send(content(piece)));
        stream.send(finish("stop"));
        stream.finish();

        String expected = "Use the token [GITHUB_TOKEN_1] and go.";
        assertThat(sentText("content")).isEqualTo(expected);
        assertThat(sent).as("pieces held back whole are not sent as empty chunks").hasSizeLessThan(pieces.size() + 1);
        assertThat(sent).as("every chunk the guard saw is serialised again").allSatisfy(c -> assertThat(c.text()).isNull());
        assertThat(sent.getLast().toString()).contains("\"finish_reason\":\"stop\"");
        assertThat(screen.screenedText(0)).isEqualTo(expected);
        assertThat(screen.verdicts()).singleElement().satisfies(v -> assertThat(v.verdict().finding().category()).isEqualTo("github_token"));
    }

    @Test
    void aBlockedAnswerEndsWithGuardExceptionAndNothingOfTheSecretGoesOut() {
        ScreenedStream stream = stream(screen(Map.of("cairn.guard.policy.secrets.action", "block")));

        assertThatThrownBy(() -> {
            for (String piece : List.of("Here is", " the key: ", GITHUB.substring(0, 9), GITHUB.substring(9), " done")) {
                stream.send(content(piece));
            }
            stream.send(finish("stop"));
            stream.finish();
        }).isInstanceOfSatisfying(GuardException.class, e -> {
            assertThat(e.error().code()).isEqualTo("content_blocked");
            assertThat(e.error().message()).contains("github_token").contains("req_test");
        });
        assertThat(sentText("content")).startsWith("Here is").doesNotContain("ghp_", GITHUB.substring(9));
    }

    @Test
    void logprobsTravelWithTheTextTheyBelongToAndAreDroppedWhereTheGuardChangedIt() {
        ScreenedStream stream = stream(screen(Map.of()));
        stream.send(ChatChunk.parse(HEAD + """
                {"index":0,"delta":{"role":"assistant","content":"Token: "},"logprobs":{"content":[{"token":"Token","logprob":-0.1,"bytes":null,"top_logprobs":[]},{"token":": ","logprob":-0.1,"bytes":null,"top_logprobs":[]}],"refusal":null},"finish_reason":null}]}"""));
        stream.send(ChatChunk.parse(HEAD + """
                {"index":0,"delta":{"content":"%s"},"logprobs":{"content":[{"token":"%s","logprob":-0.2,"bytes":null,"top_logprobs":[]}],"refusal":null},"finish_reason":null}]}"""
                .formatted(GITHUB, GITHUB)));
        stream.send(ChatChunk.parse(HEAD + """
                {"index":0,"delta":{"content":" ok"},"logprobs":{"content":[{"token":" ok","logprob":-0.3,"bytes":null,"top_logprobs":[]}],"refusal":null},"finish_reason":null}]}"""));
        stream.send(finish("stop"));
        stream.finish();

        assertThat(sentText("content")).isEqualTo("Token: [GITHUB_TOKEN_1] ok");
        String tokens = sent.stream().map(ScreenedStreamTest::json).flatMap(c -> c.path("choices").valueStream())
                .flatMap(c -> c.path("logprobs").path("content").valueStream()).map(e -> e.path("token").asString())
                .collect(Collectors.joining("|"));
        assertThat(tokens).as("the redacted token's log-probability is dropped, the others kept").isEqualTo("Token|: | ok");
        assertThat(sent.stream().map(ChatChunk::toString)).noneMatch(c -> c.contains("ghp_"));
    }

    @Test
    void toolCallArgumentsAreScreenedAndIdsAndNamesGoOnAsTheyCame() {
        String slack = "xoxb-" + "1234567890-abcdefghijKLMNOP";
        ScreenedStream stream = stream(screen(Map.of()));
        stream.send(ChatChunk.parse(HEAD + """
                {"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"post","arguments":"{\\"token\\": \\"xoxb-"}}]},"finish_reason":null}]}"""));
        stream.send(ChatChunk.parse(HEAD + """
                {"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"%s\\"}"}}]},"finish_reason":null}]}"""
                .formatted(slack.substring(5))));
        stream.send(finish("tool_calls"));
        stream.finish();

        List<JsonNode> calls = sent.stream().map(ScreenedStreamTest::json).flatMap(c -> c.path("choices").valueStream())
                .flatMap(c -> c.path("delta").path("tool_calls").valueStream()).toList();
        assertThat(calls.stream().map(c -> c.path("function").path("arguments").asString("")).collect(Collectors.joining()))
                .isEqualTo("{\"token\": \"[SLACK_TOKEN_1]\"}");
        assertThat(calls.getFirst().path("id").asString()).isEqualTo("call_1");
        assertThat(calls.getFirst().path("function").path("name").asString()).isEqualTo("post");
    }

    @Test
    void whatAChoiceWithoutAFinishReasonStillHoldsGoesOutInALastChunk() {
        ScreenedStream stream = stream(screen(Map.of()));
        stream.send(content("Use gh"));
        int beforeFinish = sent.size();

        stream.finish();

        assertThat(sentText("content")).isEqualTo("Use gh");
        assertThat(sent).hasSize(beforeFinish + 1);
        JsonNode last = json(sent.getLast());
        assertThat(last.path("id").asString()).as("the last chunk is shaped like the ones before it").isEqualTo("c");
        assertThat(last.path("choices").get(0).path("finish_reason").isNull()).isTrue();
        assertThat(last.has("usage")).isFalse();
    }

    @Test
    void chunksWithoutChoicesGoOnUntouchedAndAUsageChunkGoesOn() {
        ScreenedStream stream = stream(screen(Map.of()));
        ChatChunk notJson = ChatChunk.parse("not json at all");
        ChatChunk noChoices = ChatChunk.parse("{\"id\":\"c\", \"note\": \"\\u00e9\"}");
        ChatChunk usage = ChatChunk.parse(HEAD + "],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3}}");

        List.of(notJson, noChoices, usage).forEach(stream::send);

        assertThat(sent).hasSize(3);
        assertThat(sent.get(0)).isSameAs(notJson);
        assertThat(sent.get(1)).isSameAs(noChoices);
        assertThat(json(sent.get(2)).path("usage").path("total_tokens").asInt()).isEqualTo(3);
    }
}
