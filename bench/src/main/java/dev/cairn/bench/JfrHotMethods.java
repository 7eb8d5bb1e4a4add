package dev.cairn.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises where a JFR recording's CPU samples land, as Markdown tables:
 *
 * <pre>java -cp … dev.cairn.bench.JfrHotMethods FILE.jfr [EVENT] [TOP]</pre>
 *
 * EVENT defaults to {@code jdk.ExecutionSample}; on JDK 25 {@code jdk.CPUTimeSample} also sees
 * time spent in native code (socket writes, SQLite), which the execution sampler misses.
 * Four views: hottest frames by self samples; self samples by package; Cairn methods by
 * inclusive samples; and each sample charged to the innermost Cairn frame above it, which
 * answers "which Cairn code caused this work".
 */
public final class JfrHotMethods {

    private static final String CAIRN = "dev.cairn.";

    private JfrHotMethods() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: JfrHotMethods FILE.jfr [EVENT] [TOP]");
            System.exit(2);
        }
        String event = args.length > 1 ? args[1] : "jdk.ExecutionSample";
        int top = args.length > 2 ? Integer.parseInt(args[2]) : 25;
        Tally tally = Tally.of(Path.of(args[0]), event);
        System.out.print(tally.markdown(event, top));
    }

    /** Counts per view, filled in one pass over the recording. */
    private record Tally(Counter self, Counter packages, Counter cairnInclusive, Counter cairnCaller,
                         long[] samples, long[] truncated) {

        static Tally of(Path file, String event) throws IOException {
            Tally tally = new Tally(new Counter(), new Counter(), new Counter(), new Counter(), new long[1], new long[1]);
            try (RecordingFile recording = new RecordingFile(file)) {
                while (recording.hasMoreEvents()) {
                    RecordedEvent e = recording.readEvent();
                    if (e.getEventType().getName().equals(event) && e.getStackTrace() != null) {
                        tally.add(e);
                    }
                }
            }
            return tally;
        }

        private void add(RecordedEvent e) {
            List<RecordedFrame> frames = e.getStackTrace().getFrames();
            if (frames.isEmpty()) {
                return;
            }
            samples[0]++;
            if (e.getStackTrace().isTruncated()) {
                truncated[0]++;
            }
            RecordedMethod leaf = frames.getFirst().getMethod();
            self.add(name(leaf));
            packages.add(packageOf(leaf));
            Set<String> seen = new HashSet<>();
            String innermostCairn = null;
            for (RecordedFrame frame : frames) {
                String name = name(frame.getMethod());
                if (name.startsWith(CAIRN)) {
                    if (innermostCairn == null) {
                        innermostCairn = name;
                    }
                    if (seen.add(name)) {
                        cairnInclusive.add(name);
                    }
                }
            }
            cairnCaller.add(innermostCairn == null ? "(no Cairn frame on the stack)" : innermostCairn);
        }

        String markdown(String event, int top) {
            StringBuilder md = new StringBuilder();
            md.append(String.format(Locale.ROOT, "%d `%s` samples (%d with stacks truncated by JFR's depth limit).%n%n",
                    samples[0], event, truncated[0]));
            table(md, "Top " + top + " frames by self samples", "Frame", self, top);
            table(md, "Self samples by package", "Package", packages, 15);
            table(md, "Cairn methods by inclusive samples (on the stack)", "Method", cairnInclusive, top);
            table(md, "Samples charged to the innermost Cairn frame above them", "Cairn frame", cairnCaller, top);
            return md.toString();
        }

        private void table(StringBuilder md, String title, String column, Counter counter, int top) {
            md.append("**").append(title).append("**\n\n| ").append(column).append(" | Samples | % |\n|---|---:|---:|\n");
            counter.top(top).forEach((key, count) -> md.append(String.format(Locale.ROOT, "| `%s` | %d | %.1f |%n",
                    key, count, 100.0 * count / Math.max(1, samples[0]))));
            md.append('\n');
        }
    }

    private static String name(RecordedMethod method) {
        return method.getType().getName() + "." + method.getName();
    }

    /** Three name segments are enough to tell Tomcat, Jackson, HttpClient, SQLite and Cairn apart. */
    private static String packageOf(RecordedMethod method) {
        String type = method.getType().getName();
        int end = type.lastIndexOf('.');
        String pkg = end < 0 ? "(default)" : type.substring(0, end);
        return Arrays.stream(pkg.split("\\.")).limit(3).collect(Collectors.joining("."));
    }

    private static final class Counter {
        private final Map<String, long[]> counts = new LinkedHashMap<>();

        void add(String key) {
            counts.computeIfAbsent(key, k -> new long[1])[0]++;
        }

        Map<String, Long> top(int n) {
            return counts.entrySet().stream()
                    .sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]))
                    .limit(n)
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue()[0], (a, b) -> a, LinkedHashMap::new));
        }
    }
}
