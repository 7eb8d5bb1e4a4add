package dev.cairn.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class TraceContextTest {

    @Test
    void keepsTheCallersTraceAndStartsItsOwnSpan() {
        TraceContext trace = TraceContext.from("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        assertThat(trace.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(trace.spanId()).matches("[0-9a-f]{16}").isNotEqualTo("00f067aa0ba902b7");
        assertThat(trace.traceparent()).isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-" + trace.spanId() + "-01");
    }

    @Test
    void invalidTraceparentsStartANewTrace() {
        for (String bad : new String[] {"00-" + "0".repeat(32) + "-00f067aa0ba902b7-01", "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", "garbage", ""}) {
            assertThat(TraceContext.from(bad).traceId()).as(bad).matches("[0-9a-f]{32}").isNotEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        }
    }

    @Test
    void newTraceIdsBeginWithTheTimeAndEndRandom() throws InterruptedException {
        long before = System.currentTimeMillis();
        String first = TraceContext.newTraceId();
        Thread.sleep(2);
        String second = TraceContext.newTraceId();
        long after = System.currentTimeMillis();
        assertThat(first).matches("[0-9a-f]{32}");
        long stamped = Long.parseLong(first.substring(0, 12), 16);
        assertThat(stamped).isBetween(before, after);
        assertThat(second).isGreaterThan(first);

        Set<String> tails = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            tails.add(TraceContext.newTraceId().substring(12));
        }
        assertThat(tails).hasSize(10_000);
    }
}
