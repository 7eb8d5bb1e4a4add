package dev.cairn.memory.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.ToIntFunction;

import dev.cairn.platform.JsonBodies;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ArrayNode;

/**
 * What holds for every format and every document: no chunk is over the limit, and read in order the
 * chunks hold every word of the input exactly once (besides the headings and diff headers they repeat).
 * Checked over documents generated from fixed seeds, with words numbered so that any word lost,
 * repeated or moved shows.
 */
class ChunkerPropertiesTest {

    private static final int[] LIMITS = {12, 25, 40, 200};
    private static final int SEEDS = 40;

    @Test
    void textLosesNothingAndStaysUnderTheLimit() {
        for (int seed = 0; seed < SEEDS; seed++) {
            Generator g = new Generator(seed);
            String text = g.paragraphs(1 + g.random.nextInt(8));
            for (int limit : LIMITS) {
                List<Chunk> chunks = new Chunker(Words::count, limit).chunk(IngestFormat.TEXT, text, null);
                assertUnderLimit(chunks, limit, text);
                assertThat(words(contents(chunks))).as("seed %d, limit %d", seed, limit).isEqualTo(words(text));
            }
        }
    }

    @Test
    void markdownLosesNothingButTheHeadingsAndFencesItRepeats() {
        for (int seed = 0; seed < SEEDS; seed++) {
            Generator g = new Generator(seed);
            String markdown = g.markdown();
            for (int limit : LIMITS) {
                List<Chunk> chunks = new Chunker(Words::count, limit).chunk(IngestFormat.MARKDOWN, markdown, null);
                assertUnderLimit(chunks, limit, markdown);
                StringBuilder read = new StringBuilder();
                for (Chunk chunk : chunks) {
                    String content = chunk.content();
                    if (chunk.metadata().containsKey("heading_path") && (int) chunk.metadata().getOrDefault("part", 1) > 1) {
                        assertThat(content).contains("\n\n");
                        content = content.substring(content.indexOf("\n\n") + 2); // the repeated heading
                    }
                    read.append(content).append('\n');
                }
                assertThat(withoutFenceLines(words(read.toString())))
                        .as("seed %d, limit %d:%n%s", seed, limit, markdown)
                        .isEqualTo(withoutFenceLines(words(markdown)));
            }
        }
    }

    @Test
    void logsLoseNothingAndEachChunkIsWholeLinesAtItsFirstRecordsTime() {
        for (int seed = 0; seed < SEEDS; seed++) {
            Generator g = new Generator(seed);
            Generator.Log log = g.log();
            List<String> lines = log.text().lines().toList();
            for (int limit : LIMITS) {
                List<Chunk> chunks = new Chunker(Words::count, limit).chunk(IngestFormat.LOG, log.text(), null);
                assertUnderLimit(chunks, limit, log.text());
                assertThat(words(contents(chunks))).isEqualTo(words(log.text()));
                int expectedStart = 1;
                for (Chunk chunk : chunks) {
                    int start = (int) chunk.metadata().get("line_start");
                    int end = (int) chunk.metadata().get("line_end");
                    assertThat(start).isEqualTo(expectedStart);
                    assertThat(chunk.content()).isEqualTo(String.join("\n", lines.subList(start - 1, end)));
                    assertThat(chunk.occurredAt()).isEqualTo(log.recordTimes().get(start - 1));
                    expectedStart = end + 1;
                }
                assertThat(expectedStart - 1).isEqualTo(lines.size());
            }
        }
    }

    @Test
    void diffsLoseNoLineAndRepeatOnlyHeadersAndHunkLines() {
        for (int seed = 0; seed < SEEDS; seed++) {
            Generator g = new Generator(seed);
            String diff = g.diff();
            for (int limit : LIMITS) {
                List<Chunk> chunks = new Chunker(Words::count, limit).chunk(IngestFormat.DIFF, diff, null);
                assertUnderLimit(chunks, limit, diff);
                List<String> read = contents(chunks).lines().toList();
                assertThat(withoutHeaderLines(read)).as("seed %d, limit %d:%n%s", seed, limit, diff)
                        .isEqualTo(withoutHeaderLines(diff.lines().toList()));
                assertSubsequence(read, diff.lines().toList());
                assertThat(chunks).allSatisfy(chunk -> assertThat(chunk.metadata()).containsKey("file"));
            }
        }
    }

    @Test
    void transcriptsKeepEachTurnWholeAcrossItsPartsInTextAndJson() {
        for (int seed = 0; seed < SEEDS; seed++) {
            Generator g = new Generator(seed);
            List<String[]> turns = g.turns();
            StringBuilder plain = new StringBuilder();
            ArrayNode json = JsonBodies.JSON.createArrayNode();
            for (String[] turn : turns) {
                plain.append(turn[0]).append(": ").append(turn[1]).append('\n');
                json.addObject().put("speaker", turn[0]).put("text", turn[1]);
            }
            for (int limit : LIMITS) {
                Chunker chunker = new Chunker(Words::count, limit);
                List<Chunk> chunks = chunker.chunk(IngestFormat.TRANSCRIPT, plain.toString(), null);
                assertThat(chunker.chunkTranscript(json)).isEqualTo(chunks);
                assertUnderLimit(chunks, limit, plain.toString());
                for (int t = 0; t < turns.size(); t++) {
                    int turn = t;
                    List<Chunk> parts = chunks.stream().filter(c -> c.metadata().get("turn").equals(turn)).toList();
                    assertThat(words(contents(parts))).isEqualTo(words(turns.get(t)[1]));
                    assertThat(parts).allSatisfy(part -> assertThat(part.metadata()).containsEntry("speaker", turns.get(turn)[0]));
                    if (parts.size() > 1) {
                        for (int p = 0; p < parts.size(); p++) {
                            assertThat(parts.get(p).metadata()).containsEntry("part", p + 1).containsEntry("parts", parts.size());
                        }
                    }
                }
            }
        }
    }

    @Test
    void aTokenizerThatCountsAJoinAboveItsPartsIsObeyedToo() {
        // Four characters to a token: the spaces and line breaks of a join add to what its parts count.
        ToIntFunction<String> characters = text -> (text.length() + 3) / 4;
        for (int seed = 0; seed < SEEDS; seed++) {
            Generator g = new Generator(seed);
            Map<IngestFormat, String> documents = Map.of(IngestFormat.TEXT, g.paragraphs(3), IngestFormat.MARKDOWN,
                    g.markdown(), IngestFormat.LOG, g.log().text(), IngestFormat.DIFF, g.diff());
            for (int limit : new int[] {20, 60, 300}) {
                Chunker chunker = new Chunker(characters, limit);
                documents.forEach((format, document) -> assertThat(chunker.chunk(format, document, null))
                        .allSatisfy(chunk -> assertThat(characters.applyAsInt(chunk.content()))
                                .as("%s chunk%n%s", format, chunk.content()).isLessThanOrEqualTo(limit)));
            }
        }
    }

    @Test
    void windowsLineEndingsGiveTheSameChunks() {
        Generator g = new Generator(7);
        Map<IngestFormat, String> documents = Map.of(
                IngestFormat.TEXT, g.paragraphs(4), IngestFormat.MARKDOWN, g.markdown(), IngestFormat.LOG, g.log().text(),
                IngestFormat.DIFF, g.diff(), IngestFormat.TRANSCRIPT, "Ann: Hello there.\nIt is late.\n\nBob: Good night.\n");
        Chunker chunker = new Chunker(Words::count, 40);
        documents.forEach((format, document) -> {
            List<Chunk> unix = chunker.chunk(format, document, "doc");
            assertThat(unix).isNotEmpty();
            assertThat(chunker.chunk(format, document.replace("\n", "\r\n"), "doc")).as("%s", format).isEqualTo(unix);
            assertThat(chunker.chunk(format, "\uFEFF" + document, "doc")).as("%s with a BOM", format).isEqualTo(unix);
            assertThat(unix).allSatisfy(chunk -> {
                assertThat(chunk.metadata()).containsEntry("source", "doc");
                assertThat(chunk.content()).doesNotContain("\r");
            });
        });
    }

    @Test
    void blankContentHasNoChunksAndTheLimitMustBePositive() {
        Chunker chunker = new Chunker(Words::count, 40);
        for (IngestFormat format : IngestFormat.values()) {
            assertThat(chunker.chunk(format, " \n\r\n\t", null)).isEmpty();
        }
        assertThatThrownBy(() -> new Chunker(Words::count, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxChunkTokens must be at least 1, not 0");
    }

    private static void assertUnderLimit(List<Chunk> chunks, int limit, String input) {
        assertThat(chunks).isNotEmpty();
        assertThat(chunks).allSatisfy(chunk ->
                assertThat(Words.count(chunk.content())).as("%s%nfrom%n%s", chunk.content(), input).isLessThanOrEqualTo(limit));
    }

    private static String contents(List<Chunk> chunks) {
        StringBuilder all = new StringBuilder();
        chunks.forEach(chunk -> all.append(chunk.content()).append('\n'));
        return all.toString();
    }

    private static List<String> words(String text) {
        return Arrays.stream(text.split("\\s+")).filter(word -> !word.isEmpty()).toList();
    }

    private static List<String> withoutFenceLines(List<String> words) {
        return words.stream().filter(word -> !word.startsWith("```")).toList();
    }

    private static List<String> withoutHeaderLines(List<String> lines) {
        return lines.stream().filter(line -> !line.isBlank() && !line.startsWith("diff --git ") && !line.startsWith("index ")
                && !line.startsWith("--- ") && !line.startsWith("+++ ") && !line.startsWith("@@")).toList();
    }

    private static void assertSubsequence(List<String> read, List<String> input) {
        int next = 0;
        for (String line : read) {
            if (next < input.size() && line.equals(input.get(next))) {
                next++;
                while (next < input.size() && input.get(next).isBlank()) {
                    next++;
                }
            }
        }
        assertThat(next).as("input lines found in order").isEqualTo(input.size());
    }

    /** Documents of each format, every word numbered ({@code w1}, {@code w2}, ...) so none can stand in for another. */
    private static final class Generator {

        record Log(String text, List<Instant> recordTimes) {
        }

        final Random random;
        private int word;

        Generator(long seed) {
            this.random = new Random(seed);
        }

        String words(int count) {
            StringBuilder words = new StringBuilder();
            for (int i = 0; i < count; i++) {
                words.append(i == 0 ? "" : " ").append('w').append(++word);
            }
            return words.toString();
        }

        /** Sentences of 1 to 25 words, one in twenty of 30 to 60, hard-wrapped at 10 words a line. */
        String paragraph() {
            StringBuilder paragraph = new StringBuilder();
            int sentences = 1 + random.nextInt(6);
            int onLine = 0;
            for (int s = 0; s < sentences; s++) {
                int length = random.nextInt(20) == 0 ? 30 + random.nextInt(31) : 1 + random.nextInt(25);
                for (int w = 0; w < length; w++) {
                    if (onLine == 10) {
                        paragraph.append('\n');
                        onLine = 0;
                    } else if (!paragraph.isEmpty()) {
                        paragraph.append(' ');
                    }
                    paragraph.append(words(1)).append(w == length - 1 ? "." : "");
                    onLine++;
                }
            }
            return paragraph.toString();
        }

        String paragraphs(int count) {
            StringBuilder text = new StringBuilder();
            for (int p = 0; p < count; p++) {
                text.append(paragraph()).append(random.nextBoolean() ? "\n\n" : "\n \n\n");
            }
            return text.toString();
        }

        String markdown() {
            StringBuilder markdown = new StringBuilder(random.nextBoolean() ? paragraph() + "\n\n" : "");
            int sections = 1 + random.nextInt(6);
            for (int s = 0; s < sections; s++) {
                if (random.nextInt(4) == 0) {
                    markdown.append("Title ").append(words(1)).append("\n---\n\n");
                } else {
                    markdown.append("#".repeat(1 + random.nextInt(4))).append(' ').append(words(2)).append("\n\n");
                }
                int blocks = 1 + random.nextInt(4);
                for (int b = 0; b < blocks; b++) {
                    switch (random.nextInt(3)) {
                        case 0 -> {
                            markdown.append("```java\n");
                            int lines = 1 + random.nextInt(12);
                            for (int l = 0; l < lines; l++) {
                                markdown.append(random.nextInt(3) == 0 ? "# " + words(1) : "    " + words(1 + random.nextInt(5))).append('\n');
                            }
                            markdown.append("```\n\n");
                        }
                        case 1 -> {
                            int items = 1 + random.nextInt(6);
                            for (int i = 0; i < items; i++) {
                                markdown.append("- ").append(words(1 + random.nextInt(8))).append('\n');
                            }
                            markdown.append('\n');
                        }
                        default -> markdown.append(paragraph()).append("\n\n");
                    }
                }
            }
            return markdown.toString();
        }

        Log log() {
            StringBuilder text = new StringBuilder();
            List<Instant> times = new ArrayList<>();
            Instant time = Instant.parse("2025-01-14T10:00:00Z");
            if (random.nextBoolean()) {
                text.append("-- ").append(words(3)).append('\n');
                times.add(null);
            }
            int records = 1 + random.nextInt(12);
            for (int r = 0; r < records; r++) {
                time = time.plusMillis(random.nextInt(5000));
                text.append(time).append(" INFO ").append(words(1 + random.nextInt(9))).append('\n');
                times.add(time);
                int continuations = random.nextInt(3) == 0 ? random.nextInt(15) : 0;
                for (int c = 0; c < continuations; c++) {
                    text.append(c == 0 ? "java.lang.IllegalStateException: " : "\tat ").append(words(1)).append('\n');
                    times.add(time);
                }
            }
            return new Log(text.toString(), times);
        }

        String diff() {
            StringBuilder diff = new StringBuilder();
            int files = 1 + random.nextInt(3);
            for (int f = 0; f < files; f++) {
                String path = "src/" + words(1) + ".java";
                diff.append("diff --git a/").append(path).append(" b/").append(path).append('\n')
                        .append("index 1a2b3c4..5d6e7f8 100644\n")
                        .append("--- a/").append(path).append('\n')
                        .append("+++ b/").append(path).append('\n');
                int hunks = 1 + random.nextInt(3);
                int line = 1;
                for (int h = 0; h < hunks; h++) {
                    List<String> body = new ArrayList<>();
                    int removed = 0;
                    int added = 0;
                    int lines = 1 + random.nextInt(25);
                    for (int l = 0; l < lines; l++) {
                        char marker = " -+".charAt(random.nextInt(3));
                        body.add(marker + "    " + words(1 + random.nextInt(6)));
                        removed += marker == '+' ? 0 : 1;
                        added += marker == '-' ? 0 : 1;
                    }
                    diff.append("@@ -").append(line).append(',').append(removed).append(" +").append(line).append(',')
                            .append(added).append(" @@\n");
                    body.forEach(l -> diff.append(l).append('\n'));
                    line += removed + 10;
                }
            }
            return diff.toString();
        }

        /** Turns as {speaker, text}: a few sentences, now and then a second paragraph. */
        List<String[]> turns() {
            List<String[]> turns = new ArrayList<>();
            int count = 1 + random.nextInt(8);
            for (int t = 0; t < count; t++) {
                String text = paragraph() + (random.nextInt(4) == 0 ? "\n\n" + paragraph() : "");
                turns.add(new String[] {t % 2 == 0 ? "Ann" : "Bob", text});
            }
            return turns;
        }
    }
}
