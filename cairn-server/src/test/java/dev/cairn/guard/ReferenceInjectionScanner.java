package dev.cairn.guard;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.cairn.guard.learned.InjectionModel;
import dev.cairn.guard.learned.TextFeatures;

/**
 * The {@link InjectionScanner} as it was before its scans were sped up (commit 8dc84e6), kept unchanged
 * but for its name as the oracle {@link ScannerEquivalenceTest} holds the fast one to: every
 * pattern run with {@code find()} over the whole text. Its own documentation follows.
 *
 * Prompt injection and jailbreak rules, matched on the text as a model reads it
 * ({@link ReferenceReadingView}: invisible characters dropped, look-alikes and leetspeak folded), on
 * spaced-out words ("i g n o r e"), on base64 segments that decode to text, and on the rot13 of
 * the text. Categories: {@code instruction_override}, {@code persona_switch},
 * {@code system_prompt_extraction}, {@code delimiter_injection}; a hit found only in an encoded
 * or spaced form is reported at the encoded span with its rule's category.
 *
 * <p>The rules come from the published attack families (OWASP LLM01, the DAN prompts, chat
 * template tokens), not from any evaluation set: they are the floor the issue asks for, and what
 * they miss is measured, not patched row by row. Above them, an {@link InjectionModel} trained on
 * Cairn's own corpus ({@code training/guard}) scores the whole text; its finding has the category
 * {@value #LEARNED} and the probability as its score.
 */
final class ReferenceInjectionScanner implements Scanner {

    public static final String NAME = "injection";

    /**
     * A rule and words one of which any match contains: a text with none of them skips the
     * regular expression, which keeps a 2 KB prompt's scan cheap.
     */
    private record Rule(String category, double score, List<String> triggers, Pattern pattern) {

        boolean mayMatch(String text) {
            for (String trigger : triggers) {
                if (text.contains(trigger)) {
                    return true;
                }
            }
            return false;
        }
    }

    private static final String ALL = "(?:(?:all|any|every|the|your|my|these|those|of|previous|prior|above|earlier|preceding|"
            + "initial|original|system|developer|existing|current)\\s+)*";
    private static final List<Rule> RULES = List.of(
            new Rule("instruction_override", 0.95, List.of("ignore", "disregard", "forget", "skip", "override", "bypass", "drop", "abandon", "neglect"),
                    Pattern.compile(
                    "\\b(?:ignore|disregard|forget|skip|override|bypass|drop|abandon|neglect)\\s+" + ALL
                            + "(?:instructions?|prompts?|rules|directions?|guidelines|guidance|context|messages?|orders|commands|constraints)\\b")),
            new Rule("instruction_override", 0.7, List.of("instruction", "from now on"),
                    Pattern.compile(
                    "\\b(?:new|updated|real|actual)\\s+instructions?\\s*:|\\bfrom\\s+now\\s+on,?\\s+(?:you\\s+(?:will|must|shall|are)|ignore|only)")),
            new Rule("instruction_override", 0.8, List.of("follow"),
                    Pattern.compile(
                    "\\b(?:do\\s+not|don't|never)\\s+follow\\s+" + ALL + "(?:instructions?|rules|guidelines)\\b")),
            new Rule("persona_switch", 0.9, List.of("anything now", "dan mode", "developer mode", "jailbr", "you are"),
                    Pattern.compile(
                    "\\bdo\\s+anything\\s+now\\b|\\bdan\\s+mode\\b|\\bdeveloper\\s+mode\\s+(?:enabled|on)\\b|\\bjailbr(?:oken|eak)\\b"
                            + "|\\byou\\s+are\\s+(?:now\\s+)?(?:no\\s+longer\\s+bound|free\\s+from|freed\\s+from|an?\\s+(?:unrestricted|unfiltered|uncensored))")),
            new Rule("persona_switch", 0.75, List.of("pretend", "act ", "behave", "respond", "without"),
                    Pattern.compile(
                    "\\b(?:pretend|act|behave|respond)\\s+(?:to\\s+be|as\\s+if\\s+you\\s+(?:are|were)|as)\\s+(?:an?\\s+)?"
                            + "(?:unrestricted|unfiltered|uncensored|evil|amoral|rogue)\\b|\\bwithout\\s+(?:any\\s+)?(?:restrictions|filters|censorship|ethical\\s+guidelines)\\b")),
            new Rule("system_prompt_extraction", 0.9, List.of("reveal", "print", "show", "repeat", "output", "display", "leak", "dump", "recite", "tell me", "give me", "what"),
                    Pattern.compile(
                    "\\b(?:reveal|print|show|repeat|output|display|leak|dump|recite|tell\\s+me|give\\s+me|what\\s+(?:is|are|was|were))\\s+"
                            + "(?:me\\s+)?(?:your\\s+(?:(?:full|entire|exact|original|initial|hidden|secret|system)\\s+)*"
                            + "(?:system\\s+prompt|prompt|instructions|system\\s+message|rules)"
                            + "|the\\s+(?:(?:full|entire|exact|original|initial|hidden|secret)\\s+)*system\\s+(?:prompt|message|instructions))\\b")),
            new Rule("system_prompt_extraction", 0.8, List.of("repeat", "print", "output"),
                    Pattern.compile(
                    "\\b(?:repeat|print|output)\\s+(?:all\\s+)?(?:the\\s+)?(?:text|words|everything)\\s+(?:above|before\\s+this)\\b")),
            new Rule("delimiter_injection", 0.9, List.of("<|", "inst]", "sys", "system", "assistant", "end of"),
                    Pattern.compile(
                    "<\\|(?:im_start|im_end|system|endoftext|eot_id|start_header_id)\\|>|\\[/?inst\\]|<<\\s*/?sys\\s*>>"
                            + "|(?m)^\\s*(?:#{1,3}\\s*)?(?:system|assistant)\\s*:\\s*\\S|\\bend\\s+of\\s+(?:user\\s+)?(?:input|prompt|instructions)\\b")));

    /** Words spelled out with gaps: "i g n o r e", "i.g.n.o.r.e". */
    private static final Pattern SPACED = Pattern.compile("(?:\\b[a-z][\\s.\\-_*]{1,3}){3,}[a-z]\\b");
    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/]{16,}={0,2}");
    private static final Pattern COMPACT_OVERRIDE = Pattern.compile(
            "(?:ignore|disregard|forget|bypass)(?:all|any|the|your|previous|prior|above)*(?:instructions?|prompts?|rules)");

    /** The learned scorer's category: what the model finds has no rule, so no rule's name. */
    public static final String LEARNED = "learned";
    /** Model scores below this are not findings: they would fill the audit with near-certain negatives. */
    static final double LEARNED_FLOOR = 0.5;
    /** Texts of fewer words are left to the rules: one or two words say too little for the model to judge. */
    static final int LEARNED_MIN_WORDS = 5;

    private final InjectionModel model;

    /** Rules only. */
    public ReferenceInjectionScanner() {
        this(null);
    }

    /** Rules and, when {@code model} is not null, the learned score of the whole text. */
    public ReferenceInjectionScanner(InjectionModel model) {
        this.model = model;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Finding> scan(String text, Direction direction) {
        ReferenceReadingView view = ReferenceReadingView.of(text);
        List<Finding> findings = rules(text, view);
        if (model != null) {
            // The whole text, as a model reads it (look-alikes and leetspeak folded). Scoring
            // paragraphs on their own was tried and dropped: on templates held out of training it
            // flagged harmless paragraphs of longer documents.
            TextFeatures features = TextFeatures.of(view.text);
            long words = java.util.regex.Pattern.compile("[\\p{L}\\p{Nd}]+").matcher(view.text).results().count();
            double p = words < LEARNED_MIN_WORDS ? 0 : model.probability(features);
            if (p >= LEARNED_FLOOR) {
                findings.add(new Finding(NAME, LEARNED, p, new Span(0, text.length())));
            }
        }
        return findings;
    }

    private List<Finding> rules(String text, ReferenceReadingView view) {
        List<Finding> findings = new ArrayList<>();
        for (Rule rule : RULES) {
            if (!rule.mayMatch(view.text)) {
                continue;
            }
            Matcher m = rule.pattern().matcher(view.text);
            while (m.find()) {
                findings.add(new Finding(NAME, rule.category(), rule.score(), view.span(m.start(), m.end())));
            }
        }
        Matcher spaced = SPACED.matcher(view.text);
        while (spaced.find()) {
            String letters = spaced.group().replaceAll("[^a-z]", "");
            if (COMPACT_OVERRIDE.matcher(letters).find()) {
                findings.add(new Finding(NAME, "instruction_override", 0.9, view.span(spaced.start(), spaced.end())));
            }
        }
        Matcher encoded = BASE64.matcher(text);
        while (encoded.find()) {
            String decoded = decodedText(encoded.group());
            if (decoded != null) {
                for (Finding inner : rules(decoded, ReferenceReadingView.of(decoded))) {
                    findings.add(new Finding(NAME, inner.category(), inner.score() * 0.95, new Span(encoded.start(), encoded.end())));
                }
            }
        }
        String rot13 = rot13(view.text);
        for (Rule rule : RULES) {
            if (!rule.mayMatch(rot13)) {
                continue;
            }
            Matcher m = rule.pattern().matcher(rot13);
            while (m.find()) {
                findings.add(new Finding(NAME, rule.category(), rule.score() * 0.95, view.span(m.start(), m.end())));
            }
        }
        findings.sort((a, b) -> a.span().start() != b.span().start() ? Integer.compare(a.span().start(), b.span().start())
                : Double.compare(b.score(), a.score()));
        return new ArrayList<>(dedupe(findings));
    }

    /** The segment's text when it is base64 of mostly printable UTF-8, else null. */
    private static String decodedText(String segment) {
        try {
            byte[] bytes = Base64.getDecoder().decode(segment.length() % 4 == 0 ? segment
                    : segment + "=".repeat((4 - segment.length() % 4) % 4));
            String decoded = new String(bytes, StandardCharsets.UTF_8);
            long printable = decoded.chars().filter(c -> c >= 0x20 && c < 0x7F || Character.isWhitespace(c)).count();
            return decoded.length() >= 8 && printable >= decoded.length() * 0.9 ? decoded : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String rot13(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            out.append(c >= 'a' && c <= 'z' ? (char) ('a' + (c - 'a' + 13) % 26) : c);
        }
        return out.toString();
    }

    /** One finding per category and span: the same phrase can match a rule in two views. */
    private static List<Finding> dedupe(List<Finding> sorted) {
        List<Finding> out = new ArrayList<>();
        for (Finding f : sorted) {
            boolean seen = out.stream().anyMatch(o -> o.category().equals(f.category())
                    && o.span().start() <= f.span().start() && o.span().end() >= f.span().end());
            if (!seen) {
                out.add(f);
            }
        }
        return out;
    }
}
