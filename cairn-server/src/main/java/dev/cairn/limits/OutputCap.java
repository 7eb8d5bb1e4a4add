package dev.cairn.limits;

import dev.cairn.access.Principal;
import dev.cairn.platform.RequestException;
import org.springframework.stereotype.Component;

/**
 * The bound on what one request may ask to have written: {@code n} answers of up to its answer
 * limit each ({@code max_tokens}, {@code max_completion_tokens}, {@code max_output_tokens}), or of
 * {@code cairn.limits.default-answer-tokens} when it states none, against its key's
 * {@code max-output-tokens} ({@link LimitRules.Bounds}). A request over it is refused with 400
 * {@code output_limit_exceeded} naming the field to change, before anything is spent on it: every
 * token asked for is held, screened, audited and written, and {@code n: 128} answers of a 30 KB
 * prompt each are 169 MB of stream.
 */
@Component
public class OutputCap {

    private final LimitRules rules;
    private final LimitMetrics metrics;

    OutputCap(LimitRules rules, LimitMetrics metrics) {
        this.rules = rules;
        this.metrics = metrics;
    }

    /**
     * What a request asks for: {@code choices} answers of at most {@code answerTokens} each (null
     * when it states no limit), with the names of its fields as the client sent them: the answer
     * limit's ({@code max_tokens}, {@code max_completion_tokens}, {@code max_output_tokens}) and the
     * number of choices' ({@code n}, null for an API without one).
     */
    public record Asked(int choices, Integer answerTokens, String answerField, String choicesField) {
    }

    /** Returns when the request's output is within its key's bound; throws {@link RequestException} (400) when not. */
    public void check(Principal principal, Asked asked) {
        long cap = rules.bounds(principal).maxOutputTokens();
        if (cap <= 0) {
            return;
        }
        boolean stated = asked.answerTokens() != null;
        long each = stated ? asked.answerTokens() : rules.defaultAnswerTokens();
        long total = each * asked.choices();
        if (total <= cap) {
            return;
        }
        metrics.rejected(Dimension.KEY, "output_tokens");
        String choices = asked.choices() > 1 && asked.choicesField() != null
                ? "'" + asked.choicesField() + "' (" + asked.choices() + ") times " : "";
        String answer = stated ? "'" + asked.answerField() + "' (" + each + ")"
                : "the " + each + " tokens counted for an answer without '" + asked.answerField() + "'";
        long most = Math.max(1, cap / asked.choices());
        // The field to change: the stated limit, else the number of choices, else the missing limit.
        String param = stated ? asked.answerField() : asked.choices() > 1 && asked.choicesField() != null
                ? asked.choicesField() : asked.answerField();
        throw RequestException.invalid("output_limit_exceeded", param, "This request may produce " + choices + answer
                + " = " + total + " tokens, more than this key's limit of " + cap + " tokens of output per request."
                + " Ask for at most " + most + " tokens per answer" + (asked.choices() > 1 ? " or for fewer answers" : "")
                + ".");
    }
}
