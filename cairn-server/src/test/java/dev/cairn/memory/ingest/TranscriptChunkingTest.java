package dev.cairn.memory.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.cairn.platform.JsonBodies;
import org.junit.jupiter.api.Test;

/** A transcript becomes one message chunk per turn, in each of the three shapes it can come in. */
class TranscriptChunkingTest {

    private final Chunker chunker = new Chunker(Words::count, 512);

    @Test
    void openAiMessagesWithStringAndPartContentSkippingEmptyTurns() {
        String messages = """
                [
                  {"role": "system", "content": "You are a helpful travel assistant."},
                  {"role": "user", "content": [
                    {"type": "text", "text": "Find me a train from Lyon to Turin."},
                    {"type": "image_url", "image_url": {"url": "https://example.com/map.png"}},
                    {"type": "text", "text": "Tomorrow morning, please."}
                  ]},
                  {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function",
                    "function": {"name": "search_trains", "arguments": "{}"}}]},
                  {"role": "tool", "content": "2 trains found"},
                  {"role": "assistant", "name": "planner", "content": "There are two direct trains, at 07:12 and 09:40."}
                ]
                """;

        List<Chunk> chunks = chunker.chunkTranscript(JsonBodies.JSON.readTree(messages), "trip.json");

        assertThat(chunks).extracting(Chunk::content).containsExactly(
                "You are a helpful travel assistant.",
                "Find me a train from Lyon to Turin.\nTomorrow morning, please.",
                "2 trains found",
                "There are two direct trains, at 07:12 and 09:40.");
        assertThat(chunks).extracting(Chunk::metadata).containsExactly(
                Map.of("source", "trip.json", "turn", 0, "role", "system"),
                Map.of("source", "trip.json", "turn", 1, "role", "user", "non_text_parts", 1),
                Map.of("source", "trip.json", "turn", 3, "role", "tool"),
                Map.of("source", "trip.json", "turn", 4, "role", "assistant", "name", "planner"));
        assertThat(chunks).allSatisfy(chunk -> {
            assertThat(chunk.kind()).isEqualTo(Chunk.MESSAGE);
            assertThat(chunk.occurredAt()).isNull();
            assertThat(chunk.externalId()).isNull();
        });
    }

    @Test
    void anObjectWithMessagesGivenAsTextIsReadAsJson() {
        String body = "{\"model\": \"gpt-4o\", \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]}";

        List<Chunk> chunks = chunker.chunk(IngestFormat.TRANSCRIPT, body, null);

        assertThat(chunks).containsExactly(new Chunk(Chunk.MESSAGE, "Hi", Map.of("turn", 0, "role", "user"), null, null));
    }

    @Test
    void speakerTurnsCarryTheirIdsAndTimes() {
        String dialogue = """
                [
                  {"speaker": "Caroline", "dia_id": "D1:1", "text": "Hey Mel! Good to see you!", "time": "2023-05-08T13:56:00Z"},
                  {"speaker": "Melanie", "dia_id": "D1:2", "text": "Hi Caroline, how have you been?", "timestamp": "2023-05-08T15:57:30+02:00"},
                  {"speaker": "Caroline", "id": 17, "text": "   "},
                  {"speaker": "Caroline", "id": 18, "text": "Busy, but good.", "occurred_at": "2023-05-08"}
                ]
                """;

        List<Chunk> chunks = chunker.chunk(IngestFormat.TRANSCRIPT, dialogue, "locomo/conv-26");

        assertThat(chunks).containsExactly(
                new Chunk(Chunk.MESSAGE, "Hey Mel! Good to see you!",
                        Map.of("source", "locomo/conv-26", "turn", 0, "speaker", "Caroline"),
                        Instant.parse("2023-05-08T13:56:00Z"), "D1:1"),
                new Chunk(Chunk.MESSAGE, "Hi Caroline, how have you been?",
                        Map.of("source", "locomo/conv-26", "turn", 1, "speaker", "Melanie"),
                        Instant.parse("2023-05-08T13:57:30Z"), "D1:2"),
                new Chunk(Chunk.MESSAGE, "Busy, but good.",
                        Map.of("source", "locomo/conv-26", "turn", 3, "speaker", "Caroline"),
                        Instant.parse("2023-05-08T00:00:00Z"), "18"));
    }

    @Test
    void plainTextTurnsTakeTheirContinuationLinesWithWindowsLineEndings() {
        String transcript = "Alice: Did the deploy finish?\r\n"
                + "Bob: Yes, at 10:40.\r\n"
                + "The migration took 3 minutes:\r\n"
                + "  - schema v12\r\n"
                + "\r\n"
                + "Alice:\r\n"
                + "Great, thanks.\r\n";

        List<Chunk> chunks = chunker.chunk(IngestFormat.TRANSCRIPT, transcript, null);

        assertThat(chunks).containsExactly(
                new Chunk(Chunk.MESSAGE, "Did the deploy finish?", Map.of("turn", 0, "speaker", "Alice"), null, null),
                new Chunk(Chunk.MESSAGE, "Yes, at 10:40.\nThe migration took 3 minutes:\n  - schema v12",
                        Map.of("turn", 1, "speaker", "Bob"), null, null),
                new Chunk(Chunk.MESSAGE, "Great, thanks.", Map.of("turn", 2, "speaker", "Alice"), null, null));
    }

    @Test
    void aTurnOverTheLimitIsCutAtSentencesIntoNumberedParts() {
        String transcript = "ops: I checked the logs this morning. It restarted twice. "
                + "Both restarts came after the upstream timed out. I raised the timeout to thirty seconds.\n"
                + "dev: Thanks.";

        // 10 tokens: sentences of 6, 3, 8 and 7 words.
        List<Chunk> chunks = new Chunker(Words::count, 10).chunk(IngestFormat.TRANSCRIPT, transcript, null);

        assertThat(chunks).containsExactly(
                new Chunk(Chunk.MESSAGE, "I checked the logs this morning. It restarted twice.",
                        Map.of("turn", 0, "speaker", "ops", "part", 1, "parts", 3), null, null),
                new Chunk(Chunk.MESSAGE, "Both restarts came after the upstream timed out.",
                        Map.of("turn", 0, "speaker", "ops", "part", 2, "parts", 3), null, null),
                new Chunk(Chunk.MESSAGE, "I raised the timeout to thirty seconds.",
                        Map.of("turn", 0, "speaker", "ops", "part", 3, "parts", 3), null, null),
                new Chunk(Chunk.MESSAGE, "Thanks.", Map.of("turn", 1, "speaker", "dev"), null, null));
    }

    @Test
    void invalidTranscriptsSayWhatIsWrongAndWhere() {
        assertInvalid("{\"turns\": []}", "a transcript must be a JSON array of turns or an object with a \"messages\" array");
        assertInvalid("[{\"role\": \"user\", \"content\": \"Hi\"}, {\"role\": \"assistant\"}]", "turn 1: missing \"content\"");
        assertInvalid("[{\"speaker\": \"Ann\"}]", "turn 0: missing \"text\"");
        assertInvalid("[{\"content\": \"Hi\"}]", "turn 0: missing \"role\" or \"speaker\"");
        assertInvalid("[\"Hi\"]",
                "turn 0: expected an object with \"role\" and \"content\" or \"speaker\" and \"text\", found string");
        assertInvalid("[{\"role\": \"user\", \"content\": 42}]", "turn 0: \"content\" must be a string or an array of parts");
        assertInvalid("[{\"role\": \"user\", \"content\": [{\"type\": \"text\"}]}]", "turn 0: \"content\" part 0: missing \"text\"");
        assertInvalid("[{\"role\": 1, \"content\": \"Hi\"}]", "turn 0: \"role\" must be a string");
        assertInvalid("[{\"speaker\": \"Ann\", \"text\": \"Hi\", \"time\": \"8 May 2023\"}]",
                "turn 0: \"time\" is not an ISO-8601 date-time: \"8 May 2023\"");
        assertInvalid("[{\"speaker\": \"Ann\", \"text\": \"Hi\", \"dia_id\": [1]}]", "turn 0: \"dia_id\" must be a string or an integer");
        assertThatThrownBy(() -> chunker.chunk(IngestFormat.TRANSCRIPT, "[{\"role\": \"user\",", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("the transcript starts like JSON but is not valid JSON: ");
        assertThatThrownBy(() -> chunker.chunk(IngestFormat.TRANSCRIPT, "Standup, 14 January\nAlice: Hi", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("line 1: text before the first turn; each turn of a plain-text transcript starts a line"
                        + " with the speaker's name and a colon, as in \"Alice: Hello\"");
    }

    private void assertInvalid(String json, String message) {
        assertThatThrownBy(() -> chunker.chunk(IngestFormat.TRANSCRIPT, json, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }
}
