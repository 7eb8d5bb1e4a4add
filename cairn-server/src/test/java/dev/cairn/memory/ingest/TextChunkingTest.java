package dev.cairn.memory.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Prose is packed by whole paragraphs; a paragraph too long is cut at sentences, a sentence too long at words. */
class TextChunkingTest {

    @Test
    void paragraphsArePackedWholeUpToTheLimit() {
        String text = """
                Cairn keeps a log of every call.

                Each entry is sealed before it is hashed into the tree,
                so erasing a person destroys only their key.

                Auditors verify checkpoints with standard tools and need no access to the database at all.

                That is the whole idea.
                """;

        // Paragraphs of 7, 19, 15 and 5 words under a limit of 30.
        List<Chunk> chunks = new Chunker(Words::count, 30).chunk(IngestFormat.TEXT, text, "notes.txt");

        assertThat(chunks).extracting(Chunk::content).containsExactly("""
                Cairn keeps a log of every call.

                Each entry is sealed before it is hashed into the tree,
                so erasing a person destroys only their key.""", """
                Auditors verify checkpoints with standard tools and need no access to the database at all.

                That is the whole idea.""");
        assertThat(chunks).extracting(Chunk::metadata).containsExactly(
                Map.of("source", "notes.txt", "paragraph_start", 1, "paragraph_end", 2),
                Map.of("source", "notes.txt", "paragraph_start", 3, "paragraph_end", 4));
        assertThat(chunks).allSatisfy(chunk -> assertThat(chunk.kind()).isEqualTo(Chunk.DOCUMENT));
    }

    /**
     * A base64 blob or a megabyte without a space is one word far longer than any real one: it is
     * cut into runs of {@link Packer#CHARS_PER_TOKEN} characters per token of the limit, never kept whole.
     */
    @Test
    void aWordFarLongerThanTheLimitIsCutIntoRunsOfCharacters() {
        List<Chunk> chunks = new Chunker(String::length, 10).chunk(IngestFormat.TEXT, "Short one.\n\n" + "A".repeat(200), null);
        assertThat(chunks).extracting(Chunk::content).containsExactly("Short one.", "A".repeat(80), "A".repeat(80), "A".repeat(40));

        String emoji = "x" + "\uD83D\uDE00".repeat(5); // eleven chars: a run of eight would end inside a pair
        List<Chunk> pairs = new Chunker(String::length, 1).chunk(IngestFormat.TEXT, emoji, null);
        assertThat(pairs).extracting(Chunk::content).hasSize(2);
        assertThat(pairs).extracting(Chunk::content).allSatisfy(run -> assertThat(Character.isLowSurrogate(run.charAt(0))).isFalse());
        assertThat(String.join("", pairs.stream().map(Chunk::content).toList())).isEqualTo(emoji);
    }

    @Test
    void anOversizeParagraphIsCutAtSentencesAndAnOversizeSentenceAtWords() {
        String text = """
                Intro paragraph here.

                Keep it short. The retention job deletes audit entries older than the configured period \
                unless a legal hold covers them. Done now.
                """;

        // 10 tokens: the second paragraph (22 words) holds a 17-word sentence.
        List<Chunk> chunks = new Chunker(Words::count, 10).chunk(IngestFormat.TEXT, text, null);

        assertThat(chunks).extracting(Chunk::content).containsExactly(
                "Intro paragraph here.",
                "Keep it short.",
                "The retention job deletes audit entries older than the configured",
                "period unless a legal hold covers them.",
                "Done now.");
        assertThat(chunks).extracting(Chunk::metadata).containsExactly(
                Map.of("paragraph_start", 1, "paragraph_end", 1),
                Map.of("paragraph_start", 2, "paragraph_end", 2),
                Map.of("paragraph_start", 2, "paragraph_end", 2),
                Map.of("paragraph_start", 2, "paragraph_end", 2),
                Map.of("paragraph_start", 2, "paragraph_end", 2));
    }

    @Test
    void sentencesThatFitTogetherStayTogetherWithTheirLineBreaks() {
        String text = "One two three.\nFour five six. Seven\neight nine. Ten eleven twelve thirteen.";

        List<Chunk> chunks = new Chunker(Words::count, 8).chunk(IngestFormat.TEXT, text, null);

        assertThat(chunks).extracting(Chunk::content).containsExactly(
                "One two three.\nFour five six.", "Seven\neight nine. Ten eleven twelve thirteen.");
    }

    @Test
    void aWordLongerThanTheLimitIsAChunkOfItsOwnAndNothingElseIsOver() {
        // Four characters to a token: the URL alone is 14 tokens, over the limit of 10.
        String url = "https://example.com/a/really/long/path/that/never/ends";
        String text = "See the page at " + url + " for the details of the setup.";

        List<Chunk> chunks = new Chunker(s -> (s.length() + 3) / 4, 10).chunk(IngestFormat.TEXT, text, null);

        assertThat(chunks).extracting(Chunk::content).containsExactly("See the page at", url, "for the details of the setup.");
    }

    @Test
    void aCounterThatCountsMoreForAJoinThanForItsPartsIsStillObeyed() {
        // Four characters to a token: each word is 1 token, but three words and their spaces are 4.
        List<Chunk> chunks = new Chunker(s -> (s.length() + 3) / 4, 3)
                .chunk(IngestFormat.TEXT, "aaaa bbbb cccc dddd eeee ffff", null);

        assertThat(chunks).extracting(Chunk::content).containsExactly("aaaa bbbb", "cccc dddd", "eeee ffff");
    }
}
