package dev.cairn.guard;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.cairn.guard.learned.InjectionModel;
import dev.cairn.guard.learned.SemanticStage;
import dev.cairn.platform.embedding.LocalEmbedder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Runs the scanners for a direction over a text and applies the workspace's policy. Input is
 * scanned for injections, hidden Unicode, PII and secrets; output for PII, secrets and hidden
 * Unicode (an answer is not an attack on the model, but it can leak).
 */
@Component
public class Guard {

    private final List<Scanner> output = List.of(new UnicodeScanner(), new PiiScanner(), new SecretScanner());
    private final List<Scanner> input;
    private final GuardPolicies policies;

    /** Rules only: for tests and tools that do not need the learned injection model. */
    public Guard(GuardPolicies policies) {
        this(policies, new InjectionScanner());
    }

    /**
     * With the shipped injection model unless {@code cairn.guard.learned-scoring} is off, and its
     * semantic stage when {@code cairn.guard.semantic-scoring} is on.
     */
    @Autowired
    public Guard(GuardPolicies policies, GuardProperties config, LocalEmbedder embedder) {
        this(policies, injectionScanner(config, embedder));
    }

    public Guard(GuardPolicies policies, InjectionModel model) {
        this(policies, new InjectionScanner(model));
    }

    private Guard(GuardPolicies policies, InjectionScanner injection) {
        this.policies = policies;
        this.input = Stream.concat(Stream.of(injection), output.stream()).toList();
    }

    private static InjectionScanner injectionScanner(GuardProperties config, LocalEmbedder embedder) {
        if (!config.learnedScoring()) {
            return new InjectionScanner();
        }
        SemanticStage semantic = config.semanticScoring() ? SemanticStage.shipped(embedder, config.semanticThreads()) : null;
        return new InjectionScanner(InjectionModel.shipped(), semantic);
    }

    /** Scans with a fresh {@link Redactor}; a request that redacts both ways passes its own. */
    public GuardResult scan(String workspace, String text, Scanner.Direction direction) {
        return scan(workspace, text, direction, new Redactor());
    }

    public GuardResult scan(String workspace, String text, Scanner.Direction direction, Redactor redactor) {
        return scan(workspace, text, direction, redactor, false);
    }

    /**
     * The same for a text from an indirect source (a tool result, a document, recalled memory): its
     * injection findings get the policy's {@value GuardPolicies#INDIRECT} rule, every other finding its scanner's.
     */
    public GuardResult scan(String workspace, String text, Scanner.Direction direction, Redactor redactor, boolean indirect) {
        List<Verdict> verdicts = judge(workspace, text, direction, indirect);
        Action overall = Action.ALLOW;
        for (Verdict verdict : verdicts) {
            overall = overall.atLeast(verdict.action());
        }
        List<Finding> toRedact = Verdict.toRedact(verdicts);
        return new GuardResult(overall, verdicts, toRedact.isEmpty() ? text : redactor.redact(text, toRedact).text());
    }

    /** Every finding in the text with the action the workspace's policy gives it, in text order; nothing is changed. */
    public List<Verdict> judge(String workspace, String text, Scanner.Direction direction) {
        return judge(workspace, text, direction, false);
    }

    private List<Verdict> judge(String workspace, String text, Scanner.Direction direction, boolean indirect) {
        Map<String, PolicyRule> policy = policies.forWorkspace(workspace);
        List<Verdict> verdicts = new ArrayList<>();
        for (Scanner scanner : direction == Scanner.Direction.INPUT ? input : output) {
            PolicyRule rule = policy.get(indirect && scanner.name().equals(InjectionScanner.NAME) ? GuardPolicies.INDIRECT : scanner.name());
            for (Finding finding : scanner.scan(text, direction)) {
                verdicts.add(new Verdict(finding, rule.actionFor(finding)));
            }
        }
        verdicts.sort(Comparator.comparingInt(v -> v.finding().span().start()));
        return verdicts;
    }

    /** The workspace's rule for one scanner, e.g. {@link Canary#SCANNER}. */
    public PolicyRule rule(String workspace, String scanner) {
        return policies.forWorkspace(workspace).get(scanner);
    }

    /** Whether an answer needs scanning at all: some output scanner's action is more than {@code allow}. */
    public boolean screensOutput(String workspace) {
        Map<String, PolicyRule> policy = policies.forWorkspace(workspace);
        return output.stream().anyMatch(s -> policy.get(s.name()).action() != Action.ALLOW);
    }
}
