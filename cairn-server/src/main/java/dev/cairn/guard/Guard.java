package dev.cairn.guard;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

/**
 * Runs the scanners for a direction over a text and applies the workspace's policy. Input is
 * scanned for injections, hidden Unicode, PII and secrets; output for PII, secrets and hidden
 * Unicode (an answer is not an attack on the model, but it can leak).
 */
@Component
public class Guard {

    private final List<Scanner> output = List.of(new UnicodeScanner(), new PiiScanner(), new SecretScanner());
    private final List<Scanner> input = java.util.stream.Stream.concat(java.util.stream.Stream.of(new InjectionScanner()),
            output.stream()).toList();
    private final GuardPolicies policies;

    public Guard(GuardPolicies policies) {
        this.policies = policies;
    }

    /** Scans with a fresh {@link Redactor}; a request that redacts both ways passes its own. */
    public GuardResult scan(String workspace, String text, Scanner.Direction direction) {
        return scan(workspace, text, direction, new Redactor());
    }

    public GuardResult scan(String workspace, String text, Scanner.Direction direction, Redactor redactor) {
        Map<String, PolicyRule> policy = policies.forWorkspace(workspace);
        List<Verdict> verdicts = new ArrayList<>();
        List<Finding> toRedact = new ArrayList<>();
        Action overall = Action.ALLOW;
        for (Scanner scanner : direction == Scanner.Direction.INPUT ? input : output) {
            PolicyRule rule = policy.get(scanner.name());
            for (Finding finding : scanner.scan(text, direction)) {
                Action action = rule.actionFor(finding);
                verdicts.add(new Verdict(finding, action));
                overall = overall.atLeast(action);
                if (action == Action.REDACT) {
                    toRedact.add(finding);
                }
            }
        }
        verdicts.sort((a, b) -> Integer.compare(a.finding().span().start(), b.finding().span().start()));
        String redacted = toRedact.isEmpty() ? text : redactor.redact(text, toRedact).text();
        return new GuardResult(overall, List.copyOf(verdicts), redacted);
    }
}
