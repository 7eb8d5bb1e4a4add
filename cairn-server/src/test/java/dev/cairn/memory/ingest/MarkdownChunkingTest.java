package dev.cairn.memory.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Markdown is cut by section under its heading path; large sections by block, with the heading repeated. */
class MarkdownChunkingTest {

    private static final String README = """
            # Cairn

            Cairn sits between LLM apps and model providers.

            ## Install

            Cairn needs Java 21.

            ### Linux

            Run the script:

            ```sh
            # install to /opt/cairn
            ./install.sh --prefix /opt/cairn
            ## not a heading either
            ```

            ### macOS

            Use Homebrew.

            Usage
            -----

            Point your OpenAI client at Cairn.
            """;

    @Test
    void oneChunkPerSectionWithItsHeadingPathAndCodeFencesKeptWhole() {
        List<Chunk> chunks = new Chunker(Words::count, 512).chunk(IngestFormat.MARKDOWN, README, "README.md");

        assertThat(chunks).extracting(Chunk::content).containsExactly(
                "# Cairn\n\nCairn sits between LLM apps and model providers.",
                "## Install\n\nCairn needs Java 21.",
                """
                ### Linux

                Run the script:

                ```sh
                # install to /opt/cairn
                ./install.sh --prefix /opt/cairn
                ## not a heading either
                ```""",
                "### macOS\n\nUse Homebrew.",
                "Usage\n-----\n\nPoint your OpenAI client at Cairn.");
        assertThat(chunks).extracting(chunk -> chunk.metadata().get("heading_path")).containsExactly(
                "Cairn", "Cairn > Install", "Cairn > Install > Linux", "Cairn > Install > macOS", "Cairn > Usage");
        assertThat(chunks).allSatisfy(chunk -> {
            assertThat(chunk.kind()).isEqualTo(Chunk.DOCUMENT);
            assertThat(chunk.metadata()).containsEntry("source", "README.md").doesNotContainKeys("part", "parts");
        });
    }

    @Test
    void frontMatterIsNotAHeadingAndABareTitleJoinsTheSectionUnderIt() {
        String markdown = """
                ---
                title: Operations
                ---

                # Operations
                ## Backups

                Copy the data directory.

                ## Restore
                ## Upgrades ##

                Stop, replace the jar, start.
                """;

        List<Chunk> chunks = new Chunker(Words::count, 512).chunk(IngestFormat.MARKDOWN, markdown, null);

        assertThat(chunks).extracting(Chunk::content).containsExactly(
                "---\ntitle: Operations\n---",
                "# Operations\n## Backups\n\nCopy the data directory.",
                "## Restore",
                "## Upgrades ##\n\nStop, replace the jar, start.");
        assertThat(chunks).extracting(Chunk::metadata).containsExactly(
                Map.of(),
                Map.of("heading_path", "Operations > Backups"),
                Map.of("heading_path", "Operations > Restore"),
                Map.of("heading_path", "Operations > Upgrades"));
    }

    @Test
    void aLargeSectionIsCutIntoRunsOfParagraphsThenSentencesEachUnderItsHeading() {
        String markdown = """
                ## Upgrade

                Stop the server before you upgrade. Take a backup of the data directory first.

                Replace the jar and start the server again. Cairn migrates the database on start.

                Check the logs.

                Rolling back is possible. Stop the server, restore the backup of the data directory, \
                and start the previous jar. Nothing else is needed, because the old version reads its own schema.
                """;

        // 20 tokens, 2 of them the heading: paragraphs of 14, 14 and 3 words, then one of 31 cut at sentences.
        List<Chunk> chunks = new Chunker(Words::count, 20).chunk(IngestFormat.MARKDOWN, markdown, null);

        assertThat(chunks).extracting(Chunk::content).containsExactly(
                "## Upgrade\n\nStop the server before you upgrade. Take a backup of the data directory first.",
                "## Upgrade\n\nReplace the jar and start the server again. Cairn migrates the database on start.\n\nCheck the logs.",
                "## Upgrade\n\nRolling back is possible.",
                "## Upgrade\n\nStop the server, restore the backup of the data directory, and start the previous jar.",
                "## Upgrade\n\nNothing else is needed, because the old version reads its own schema.");
        for (int i = 0; i < chunks.size(); i++) {
            assertThat(chunks.get(i).metadata()).isEqualTo(Map.of("heading_path", "Upgrade", "part", i + 1, "parts", 5));
            assertThat(Words.count(chunks.get(i).content())).isLessThanOrEqualTo(20);
        }
    }

    @Test
    void aFenceOverTheLimitIsCutAtLinesAndEachPartIsAFenceAgain() {
        String markdown = """
                ## Config

                ```yaml
                cairn:
                  port: 8080
                  data-dir: ./data
                  providers:
                    openai:
                      base-url: https://api.openai.com/v1
                ```
                """;

        // 8 tokens: the heading takes 2, the fence lines 2, which leaves 4 for the code in each part.
        List<Chunk> chunks = new Chunker(Words::count, 8).chunk(IngestFormat.MARKDOWN, markdown, null);

        assertThat(chunks).extracting(Chunk::content).containsExactly(
                "## Config\n\n```yaml\ncairn:\n  port: 8080\n```",
                "## Config\n\n```yaml\n  data-dir: ./data\n  providers:\n    openai:\n```",
                "## Config\n\n```yaml\n      base-url: https://api.openai.com/v1\n```");
        assertThat(chunks).extracting(chunk -> chunk.metadata().get("part")).containsExactly(1, 2, 3);
    }

    @Test
    void anUnclosedFenceRunsToTheEndAndHidesTheHeadingsInIt() {
        String markdown = """
                ## Shell

                ```bash
                # Not a heading
                echo done
                """;

        List<Chunk> chunks = new Chunker(Words::count, 512).chunk(IngestFormat.MARKDOWN, markdown, null);

        assertThat(chunks).singleElement().satisfies(chunk -> {
            assertThat(chunk.content()).isEqualTo("## Shell\n\n```bash\n# Not a heading\necho done");
            assertThat(chunk.metadata()).isEqualTo(Map.of("heading_path", "Shell"));
        });
    }
}
