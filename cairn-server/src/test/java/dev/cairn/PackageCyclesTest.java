package dev.cairn;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The feature packages under dev.cairn (each with its sub-packages) depend on each other without
 * cycles, and platform, which they all build on, depends on none of them. Read from the main
 * sources: every import and fully qualified name outside comments and string literals.
 */
class PackageCyclesTest {

    private static final Path SOURCES = Path.of("src/main/java/dev/cairn");
    private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.cairn\\.([a-z_][a-z0-9_]*)\\b");

    private final Dependencies dependencies = Dependencies.read(SOURCES);

    @Test
    void theFeaturesAreFound() {
        assertThat(dependencies.features()).contains("access", "audit", "gateway", "memory", "platform");
    }

    @Test
    void noFeaturePackageIsInACycle() {
        List<String> cycles = cycles(dependencies.edges());
        assertThat(cycles)
                .as("package cycles among dev.cairn's features; the references that make each step:%n%s",
                        cycles.stream().map(dependencies::explain).collect(Collectors.joining("\n")))
                .isEmpty();
    }

    @Test
    void platformDependsOnNoFeature() {
        SortedSet<String> used = dependencies.edges().getOrDefault("platform", new TreeSet<>());
        assertThat(used)
                .as("platform is what features build on; the references that make it depend on one:%n%s",
                        used.stream().map(to -> dependencies.explain("platform", to)).collect(Collectors.joining("\n")))
                .isEmpty();
    }

    /**
     * Every elementary cycle of the graph, each once, written from its alphabetically first package
     * back to it: "gateway -> memory -> gateway".
     */
    static List<String> cycles(SortedMap<String, SortedSet<String>> edges) {
        List<String> found = new ArrayList<>();
        for (String start : edges.keySet()) {
            walk(edges, start, new ArrayList<>(List.of(start)), found);
        }
        return found;
    }

    private static void walk(SortedMap<String, SortedSet<String>> edges, String start, List<String> path, List<String> found) {
        for (String next : edges.getOrDefault(path.getLast(), new TreeSet<>())) {
            if (next.equals(start)) {
                found.add(String.join(" -> ", path) + " -> " + start);
            } else if (next.compareTo(start) > 0 && !path.contains(next)) {
                path.add(next);
                walk(edges, start, path, found);
                path.removeLast();
            }
        }
    }

    /** Which feature refers to which other, and from which files, as {@code from -> to -> files}. */
    record Dependencies(SortedSet<String> features, SortedMap<String, SortedMap<String, SortedSet<String>>> references) {

        static Dependencies read(Path sources) {
            SortedSet<String> features = new TreeSet<>();
            SortedMap<String, SortedMap<String, SortedSet<String>>> references = new TreeMap<>();
            try (Stream<Path> dirs = Files.list(sources)) {
                dirs.filter(Files::isDirectory).forEach(dir -> features.add(dir.getFileName().toString()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (String feature : features) {
                try (Stream<Path> files = Files.walk(sources.resolve(feature))) {
                    for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                        Matcher m = REFERENCE.matcher(code(Files.readString(file)));
                        while (m.find()) {
                            String to = m.group(1);
                            if (!to.equals(feature) && features.contains(to)) {
                                references.computeIfAbsent(feature, k -> new TreeMap<>())
                                        .computeIfAbsent(to, k -> new TreeSet<>())
                                        .add(sources.relativize(file).toString());
                            }
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return new Dependencies(features, references);
        }

        SortedMap<String, SortedSet<String>> edges() {
            SortedMap<String, SortedSet<String>> edges = new TreeMap<>();
            references.forEach((from, to) -> edges.put(from, new TreeSet<>(to.keySet())));
            return edges;
        }

        String explain(String cycle) {
            String[] steps = cycle.split(" -> ");
            StringBuilder text = new StringBuilder("  ").append(cycle);
            for (int i = 0; i + 1 < steps.length; i++) {
                text.append('\n').append(explain(steps[i], steps[i + 1]));
            }
            return text.toString();
        }

        String explain(String from, String to) {
            List<String> files = List.copyOf(references.get(from).get(to));
            String more = files.size() > 3 ? " and " + (files.size() - 3) + " more" : "";
            return "    " + from + " -> " + to + ": " + String.join(", ", files.subList(0, Math.min(3, files.size()))) + more;
        }
    }

    /**
     * The text of a Java source with comments and the contents of string and character literals
     * blanked, so that a package named in a Javadoc sentence or a log message is no dependency.
     */
    static String code(String source) {
        StringBuilder code = new StringBuilder(source.length());
        int i = 0;
        while (i < source.length()) {
            if (source.startsWith("//", i)) {
                int lineBreak = source.indexOf('\n', i);
                i = lineBreak < 0 ? source.length() : lineBreak;
            } else if (source.startsWith("/*", i)) {
                i = end(source, "*/", i + 2);
            } else if (source.startsWith("\"\"\"", i)) {
                i = endOfLiteral(source, "\"\"\"", i + 3);
            } else if (source.charAt(i) == '"' || source.charAt(i) == '\'') {
                i = endOfLiteral(source, String.valueOf(source.charAt(i)), i + 1);
            } else {
                code.append(source.charAt(i++));
                continue;
            }
            code.append(' ');
        }
        return code.toString();
    }

    /** Just past the next {@code close} from {@code from}, or the end of the text. */
    private static int end(String source, String close, int from) {
        int at = source.indexOf(close, from);
        return at < 0 ? source.length() : at + close.length();
    }

    /** Just past the closing quote of a literal, skipping escaped characters. */
    private static int endOfLiteral(String source, String close, int from) {
        int i = from;
        while (i < source.length() && !source.startsWith(close, i)) {
            i += source.charAt(i) == '\\' ? 2 : 1;
        }
        return Math.min(source.length(), i + close.length());
    }
}
