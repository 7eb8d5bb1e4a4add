package dev.cairn.memory.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** A log is packed by whole records: a timestamped line and the lines under it, such as a stack trace. */
class LogChunkingTest {

    private static final String LOG = """
            2025-01-14 10:23:45,120 INFO  [main] dev.cairn.CairnApplication - Started Cairn in 1.9 seconds
            2025-01-14 10:23:47,301 ERROR [http-nio-8080-exec-1] dev.cairn.gateway.GatewayController - Upstream call failed
            java.lang.IllegalStateException: upstream closed the stream
            \tat dev.cairn.gateway.UpstreamHttp.send(UpstreamHttp.java:88)
            \tat dev.cairn.gateway.GatewayPipeline.call(GatewayPipeline.java:41)
            Caused by: java.net.SocketException: Connection reset
            \tat java.base/sun.nio.ch.NioSocketImpl.implRead(NioSocketImpl.java:318)
            \t... 12 more
            2025-01-14T11:23:48.002+01:00 WARN  [http-nio-8080-exec-1] dev.cairn.gateway.ModelRouter - Falling back to cairn/echo
            """;

    @Test
    void aStackTraceStaysWithTheRecordThatLoggedIt() {
        // Records of 11, 28 and 9 words under a limit of 30.
        List<Chunk> chunks = new Chunker(Words::count, 30).chunk(IngestFormat.LOG, LOG, "cairn.log");

        List<String> lines = LOG.lines().toList();
        assertThat(chunks).extracting(Chunk::content).containsExactly(
                lines.get(0), String.join("\n", lines.subList(1, 8)), lines.get(8));
        assertThat(chunks).extracting(Chunk::metadata).containsExactly(
                Map.of("source", "cairn.log", "line_start", 1, "line_end", 1),
                Map.of("source", "cairn.log", "line_start", 2, "line_end", 8),
                Map.of("source", "cairn.log", "line_start", 9, "line_end", 9));
        assertThat(chunks).extracting(Chunk::occurredAt).containsExactly(
                Instant.parse("2025-01-14T10:23:45.120Z"),
                Instant.parse("2025-01-14T10:23:47.301Z"),
                Instant.parse("2025-01-14T10:23:48.002Z"));
    }

    @Test
    void recordsThatFitArePackedTogetherAndARecordTooLongIsCutAtLines() {
        List<Chunk> small = new Chunker(Words::count, 512).chunk(IngestFormat.LOG, LOG, null);
        assertThat(small).singleElement().satisfies(chunk -> {
            assertThat(chunk.content()).isEqualTo(LOG.strip());
            assertThat(chunk.metadata()).isEqualTo(Map.of("line_start", 1, "line_end", 9));
            assertThat(chunk.occurredAt()).isEqualTo(Instant.parse("2025-01-14T10:23:45.120Z"));
        });

        // 20 tokens: the 28-word record is cut after its fourth line (9 + 5 + 2 + 2 words).
        List<Chunk> chunks = new Chunker(Words::count, 20).chunk(IngestFormat.LOG, LOG, null);
        assertThat(chunks).extracting(chunk -> List.of(chunk.metadata().get("line_start"), chunk.metadata().get("line_end")))
                .containsExactly(List.of(1, 1), List.of(2, 5), List.of(6, 8), List.of(9, 9));
        assertThat(chunks.get(2).content()).startsWith("Caused by: java.net.SocketException").endsWith("\t... 12 more");
        assertThat(chunks.get(2).occurredAt()).isEqualTo(Instant.parse("2025-01-14T10:23:47.301Z"));
    }

    @Test
    void syslogStampsStartRecordsButGiveNoInstantAndLinesBeforeTheFirstStampAreARecord() {
        String log = """
                -- Logs begin at Tue 2025-01-14 --
                Jan 14 10:23:45 cairn-1 systemd[1]: Started Cairn gateway.
                Jan 14 10:23:47 cairn-1 cairn[812]: listening on :8080
                  with 2 workers
                """;

        // Records of 7, 8 and 11 words under a limit of 12.
        List<Chunk> chunks = new Chunker(Words::count, 12).chunk(IngestFormat.LOG, log, null);

        assertThat(chunks).extracting(Chunk::content).containsExactly(
                "-- Logs begin at Tue 2025-01-14 --",
                "Jan 14 10:23:45 cairn-1 systemd[1]: Started Cairn gateway.",
                "Jan 14 10:23:47 cairn-1 cairn[812]: listening on :8080\n  with 2 workers");
        assertThat(chunks).extracting(Chunk::occurredAt).containsOnlyNulls();
        assertThat(chunks).extracting(chunk -> chunk.metadata().get("line_start")).containsExactly(1, 2, 3);
    }
}
