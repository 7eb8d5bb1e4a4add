package dev.cairn.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.cairn.guard.Guard;
import dev.cairn.guard.GuardPolicies;
import dev.cairn.guard.GuardResult;
import dev.cairn.guard.Scanner;
import dev.cairn.guard.GuardProperties;
import dev.cairn.platform.embedding.LocalEmbedder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * The input guard's cost per prompt: {@link Guard#scan} with every input scanner under the default
 * policy, on 2 KB prompts of four kinds (resources {@code guard-prompts/*.txt}, written for this
 * benchmark). Sample time, so JMH reports the distribution (p50, p99, p99.9), which is what the
 * target "at most 0.5 ms p99" is about. bench/guard-jmh.sh runs it and writes BENCHMARKS.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class GuardScanBench {

    /**
     * code-question: an English question with a Java listing (nothing to find); pii-secrets: a support
     * ticket with e-mail, phones, a card, an IBAN, an SSN, IPs, API keys and a JWT (redact); injection:
     * a review carrying an instruction override and chat-template delimiters (block); mixed-unicode:
     * travel notes in eight scripts with emoji, a zero-width space, a bidi override and a homoglyph.
     */
    @Param({"code-question", "pii-secrets", "injection", "mixed-unicode"})
    public String prompt;

    /**
     * The injection scanner's scoring: the rules and the learned word model (as Cairn ships), the
     * rules only, so the model's cost shows on its own, or both with the opt-in semantic stage.
     */
    @Param({"learned", "rules", "semantic"})
    public String scoring;

    private Guard guard;
    private String text;

    @Setup
    public void setUp() {
        Map<String, String> config = switch (scoring) {
            case "learned" -> Map.of();
            case "rules" -> Map.of("cairn.guard.learned-scoring", "false");
            case "semantic" -> Map.of("cairn.guard.semantic-scoring", "true");
            default -> throw new IllegalArgumentException("scoring is learned, rules or semantic, not " + scoring);
        };
        GuardProperties properties = new Binder(new MapConfigurationPropertySource(config)).bindOrCreate("cairn.guard", GuardProperties.class);
        LocalEmbedder embedder = new LocalEmbedder(Path.of(System.getProperty("java.io.tmpdir")), 1);
        guard = new Guard(new GuardPolicies(properties), properties, embedder);
        text = read("guard-prompts/" + prompt + ".txt");
        // Said once per fork, so the report shows that each prompt makes the scanners work as intended.
        GuardResult result = guard.scan("bench", text, Scanner.Direction.INPUT);
        System.out.printf("%n%s: %d chars, %d bytes; action %s, %d verdicts%n", prompt, text.length(),
                text.getBytes(StandardCharsets.UTF_8).length, result.action().wireName(), result.verdicts().size());
    }

    @Benchmark
    public GuardResult scan() {
        return guard.scan("bench", text, Scanner.Direction.INPUT);
    }

    private static String read(String resource) {
        try (InputStream in = GuardScanBench.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("No resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
