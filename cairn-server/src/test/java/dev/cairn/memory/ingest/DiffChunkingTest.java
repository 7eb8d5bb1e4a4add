package dev.cairn.memory.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** A diff is cut by hunk, each under its file's header, and a hunk too large into parts that repeat both. */
class DiffChunkingTest {

    private static final String ROUTER_HEADER = """
            diff --git a/src/main/java/dev/cairn/gateway/ModelRouter.java b/src/main/java/dev/cairn/gateway/ModelRouter.java
            index 3f2a1c4..8b9d0e7 100644
            --- a/src/main/java/dev/cairn/gateway/ModelRouter.java
            +++ b/src/main/java/dev/cairn/gateway/ModelRouter.java
            """;
    private static final String ROUTER_HUNK_1 = """
            @@ -12,7 +12,8 @@ import java.util.Map;
             public final class ModelRouter {
            \s
                 private final Map<String, Route> routes;
            -    private final Map<String, String> aliases;
            +    private final Map<String, String> aliases;
            +    private final Route fallback;
            \s
                 ModelRouter(CairnProperties properties) {
                     this.routes = routes(properties);
            """;
    private static final String ROUTER_HUNK_2 = """
            @@ -40,6 +41,9 @@ public final class ModelRouter {
                 Route route(String model, Principal principal) {
                     Route route = routes.get(resolve(model));
                     if (route == null) {
            +            if (fallback != null) {
            +                return fallback;
            +            }
                         throw new GatewayException(404, "model_not_found", model);
                     }
                     return route;
            """;
    private static final String DOCS_HEADER = """
            diff --git a/docs/configuration.md b/docs/configuration.md
            index 1111111..2222222 100644
            --- a/docs/configuration.md
            +++ b/docs/configuration.md
            """;
    private static final String DOCS_HUNK = """
            @@ -3,4 +3,5 @@
             | key | default |
             |---|---|
             | `cairn.port` | 8080 |
            +| `cairn.fallback` | none |
             | `cairn.data-dir` | `./data` |
            """;
    private static final String TWO_FILES = ROUTER_HEADER + ROUTER_HUNK_1 + ROUTER_HUNK_2 + DOCS_HEADER + DOCS_HUNK;

    private static final String ROUTER = "src/main/java/dev/cairn/gateway/ModelRouter.java";

    @Test
    void oneChunkPerHunkUnderItsFileHeader() {
        List<Chunk> chunks = new Chunker(Words::count, 512).chunk(IngestFormat.DIFF, TWO_FILES, "fallback.patch");

        assertThat(chunks).extracting(Chunk::content).containsExactly(
                ROUTER_HEADER + ROUTER_HUNK_1.strip(),
                ROUTER_HEADER + ROUTER_HUNK_2.strip(),
                DOCS_HEADER + DOCS_HUNK.strip());
        assertThat(chunks).extracting(Chunk::metadata).containsExactly(
                Map.of("source", "fallback.patch", "file", ROUTER, "hunk", "@@ -12,7 +12,8 @@ import java.util.Map;"),
                Map.of("source", "fallback.patch", "file", ROUTER, "hunk", "@@ -40,6 +41,9 @@ public final class ModelRouter {"),
                Map.of("source", "fallback.patch", "file", "docs/configuration.md", "hunk", "@@ -3,4 +3,5 @@"));
        assertThat(chunks).allSatisfy(chunk -> {
            assertThat(chunk.kind()).isEqualTo(Chunk.DOCUMENT);
            assertThat(chunk.occurredAt()).isNull();
            assertThat(chunk.externalId()).isNull();
        });
    }

    @Test
    void aHunkClaimingMoreLinesThanAnIntHoldsEndsWhereItsLinesDo() {
        String diff = ROUTER_HEADER + "@@ -1,99999999999 +1,99999999999 @@\n context\n-old\n+new\n" + DOCS_HEADER + DOCS_HUNK;
        List<Chunk> chunks = new Chunker(Words::count, 512).chunk(IngestFormat.DIFF, diff, null);
        assertThat(chunks).anySatisfy(c -> assertThat(c.content()).contains("+new"));
        assertThat(String.join("", chunks.stream().map(Chunk::content).toList())).contains("cairn.fallback");
    }

    @Test
    void aHunkOverTheLimitIsCutAtLinesEachPartRepeatingHeaderAndHunkLine() {
        // The header (11 words) and a hunk line (6 or 9) leave 23 or 20 of the 40 tokens for the hunk's lines.
        List<Chunk> chunks = new Chunker(Words::count, 40).chunk(IngestFormat.DIFF, TWO_FILES, null);

        assertThat(chunks).hasSize(5);
        String hunkLine = "@@ -40,6 +41,9 @@ public final class ModelRouter {\n";
        // Lines 1-3 of the hunk fit in 20 tokens (6 + 4 + 5), with the fourth (6) they would not.
        assertThat(chunks.get(2).content()).isEqualTo(ROUTER_HEADER + hunkLine + lines(ROUTER_HUNK_2, 1, 4));
        assertThat(chunks.get(3).content()).isEqualTo(ROUTER_HEADER + hunkLine + lines(ROUTER_HUNK_2, 4, 10));
        assertThat(chunks.get(3).content().lines().toList().get(5)).isEqualTo("+            if (fallback != null) {");
        assertThat(chunks.get(2).metadata()).isEqualTo(Map.of("file", ROUTER, "hunk", hunkLine.strip(), "part", 1, "parts", 2));
        assertThat(chunks.get(3).metadata()).isEqualTo(Map.of("file", ROUTER, "hunk", hunkLine.strip(), "part", 2, "parts", 2));
        assertThat(chunks.get(0).metadata()).containsEntry("part", 1).containsEntry("parts", 2);
        assertThat(chunks.get(4).content()).isEqualTo(DOCS_HEADER + DOCS_HUNK.strip());
        assertThat(chunks).allSatisfy(chunk -> assertThat(Words.count(chunk.content())).isLessThanOrEqualTo(40));
    }

    @Test
    void aHeaderTooLongToRepeatIsCutWithItsHunkAsPlainLines() {
        // 25 tokens: header and hunk line (20) would take more than half of each part.
        List<Chunk> chunks = new Chunker(Words::count, 25).chunk(IngestFormat.DIFF, TWO_FILES, null);

        assertThat(chunks).hasSize(8);
        String hunkLine = "@@ -40,6 +41,9 @@ public final class ModelRouter {";
        assertThat(chunks.subList(3, 6)).extracting(Chunk::content).containsExactly(
                ROUTER_HEADER + hunkLine, lines(ROUTER_HUNK_2, 1, 6), lines(ROUTER_HUNK_2, 6, 10));
        assertThat(chunks.subList(3, 6)).extracting(Chunk::metadata).containsExactly(
                Map.of("file", ROUTER, "hunk", hunkLine, "part", 1, "parts", 3),
                Map.of("file", ROUTER, "hunk", hunkLine, "part", 2, "parts", 3),
                Map.of("file", ROUTER, "hunk", hunkLine, "part", 3, "parts", 3));
    }

    /** Lines {@code from} to {@code to} (exclusive) of {@code text}, counted from 0. */
    private static String lines(String text, int from, int to) {
        return String.join("\n", List.of(text.split("\n")).subList(from, to));
    }

    @Test
    void binaryFilesModeChangesAndDeletionsAreChunksOfTheirOwn() {
        String diff = """
                diff --git a/docs/logo.png b/docs/logo.png
                index 5c3e1a2..9d8f7b6 100644
                Binary files a/docs/logo.png and b/docs/logo.png differ
                diff --git a/bin/cairn b/bin/cairn
                old mode 100644
                new mode 100755
                diff --git a/old/Legacy.java b/old/Legacy.java
                deleted file mode 100644
                index 7a7a7a7..0000000
                --- a/old/Legacy.java
                +++ /dev/null
                @@ -1,3 +0,0 @@
                -class Legacy {
                -    // gone
                -}
                """;

        List<Chunk> chunks = new Chunker(Words::count, 512).chunk(IngestFormat.DIFF, diff, null);

        assertThat(chunks).extracting(Chunk::content).containsExactly("""
                diff --git a/docs/logo.png b/docs/logo.png
                index 5c3e1a2..9d8f7b6 100644
                Binary files a/docs/logo.png and b/docs/logo.png differ""", """
                diff --git a/bin/cairn b/bin/cairn
                old mode 100644
                new mode 100755""", """
                diff --git a/old/Legacy.java b/old/Legacy.java
                deleted file mode 100644
                index 7a7a7a7..0000000
                --- a/old/Legacy.java
                +++ /dev/null
                @@ -1,3 +0,0 @@
                -class Legacy {
                -    // gone
                -}""");
        assertThat(chunks).extracting(Chunk::metadata).containsExactly(
                Map.of("file", "docs/logo.png"),
                Map.of("file", "bin/cairn"),
                Map.of("file", "old/Legacy.java", "hunk", "@@ -1,3 +0,0 @@"));
    }

    @Test
    void hunkCountsTellARemovedDashLineFromAFileHeaderAndTheMailAroundAPatchIsKept() {
        String patch = """
                From 1a2b3c4d Mon Sep 17 00:00:00 2001
                From: Ada Lovelace <ada@example.com>
                Date: Tue, 14 Jan 2025 10:00:00 +0000
                Subject: [PATCH] Drop the legacy comment from the schema

                ---
                 db/schema.sql | 2 +-
                 1 file changed, 1 insertion(+), 1 deletion(-)

                diff --git a/db/schema.sql b/db/schema.sql
                index 0123456..789abcd 100644
                --- a/db/schema.sql
                +++ b/db/schema.sql
                @@ -1,3 +1,3 @@
                --- legacy: items were called notes
                +++ items: one row per remembered piece
                 CREATE TABLE items (
                   id TEXT PRIMARY KEY
                --\s
                2.43.0
                """;

        List<Chunk> chunks = new Chunker(Words::count, 512).chunk(IngestFormat.DIFF, patch, null);

        assertThat(chunks).extracting(Chunk::content).containsExactly("""
                From 1a2b3c4d Mon Sep 17 00:00:00 2001
                From: Ada Lovelace <ada@example.com>
                Date: Tue, 14 Jan 2025 10:00:00 +0000
                Subject: [PATCH] Drop the legacy comment from the schema

                ---
                 db/schema.sql | 2 +-
                 1 file changed, 1 insertion(+), 1 deletion(-)""", """
                diff --git a/db/schema.sql b/db/schema.sql
                index 0123456..789abcd 100644
                --- a/db/schema.sql
                +++ b/db/schema.sql
                @@ -1,3 +1,3 @@
                --- legacy: items were called notes
                +++ items: one row per remembered piece
                 CREATE TABLE items (
                   id TEXT PRIMARY KEY""", "-- \n2.43.0");
        assertThat(chunks).extracting(Chunk::metadata).containsExactly(
                Map.of(), Map.of("file", "db/schema.sql", "hunk", "@@ -1,3 +1,3 @@"), Map.of());
    }

    @Test
    void plainDiffUWithTimestampsNamesTheFileAsWritten() {
        String diff = """
                --- notes.txt\t2025-01-14 10:00:00.000000000 +0000
                +++ notes.txt\t2025-01-14 10:05:00.000000000 +0000
                @@ -1 +1 @@
                -draft
                +final
                """;

        List<Chunk> chunks = new Chunker(Words::count, 512).chunk(IngestFormat.DIFF, diff, null);

        assertThat(chunks).singleElement().satisfies(chunk -> {
            assertThat(chunk.content()).isEqualTo(diff.strip());
            assertThat(chunk.metadata()).isEqualTo(Map.of("file", "notes.txt", "hunk", "@@ -1 +1 @@"));
        });
    }

    @Test
    void textWithoutAnyDiffIsRefused() {
        assertThatThrownBy(() -> new Chunker(Words::count, 512).chunk(IngestFormat.DIFF, "Fixed the router.\n", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no diff found: a unified diff has \"diff --git\" or \"---\"/\"+++\" file headers and \"@@\" hunks");
    }
}
