package dev.cairn.guard;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import dev.cairn.guard.learned.InjectionModel;
import dev.cairn.guard.learned.SemanticStage;
import dev.cairn.guard.learned.TextFeatures;

/**
 * Prompt injection and jailbreak rules, matched on the text as a model reads it
 * ({@link ReadingView}: invisible characters dropped, look-alikes and leetspeak folded), on
 * spaced-out words ("i g n o r e"), on base64 segments that decode to text, and on the rot13 of
 * the text. Categories: {@code instruction_override}, {@code persona_switch},
 * {@code system_prompt_extraction}, {@code delimiter_injection}; a hit found only in an encoded
 * or spaced form is reported at the encoded span with its rule's category.
 *
 * <p>The rules come from the published attack families (OWASP LLM01, the DAN prompts, chat
 * template tokens), not from any evaluation set: they are the floor the issue asks for, and what
 * they miss is measured, not patched row by row. Above them, an {@link InjectionModel} trained on
 * a public corpus and Cairn's own templates ({@code training/guard-train}, {@code training/guard})
 * scores the whole text, and a {@link SemanticStage} (opt-in) gives a second opinion on the texts
 * it finds suspicious; the finding has the category {@value #LEARNED}, the calibrated probability
 * as its score and, as evidence, the words and word pairs that weighed most.
 */
public final class InjectionScanner implements Scanner {

    public static final String NAME = "injection";

    /**
     * A rule, with what keeps its scan of a 2 KB prompt cheap. Leads: the words and symbols the
     * pattern opens with, where its matches begin; line leads: what a match of its multi-line
     * {@code ^} branch begins with after the line's white space. The pattern is tried only where
     * {@link RuleStarts} finds those, not at every position of the text. Triggers: words one of which
     * the text must contain for the rule to find anything, as the rules were first written to skip
     * a pattern cheaply. Not quite every match contains one ("from&nbsp;&nbsp;now on" with two spaces
     * does not contain "from now on"), so they stay: leaving them out would change what is found.
     */
    private record Rule(String category, double score, List<String> triggers, List<String> leads, List<String> lineLeads,
            Pattern pattern) {

        Rule(String category, double score, List<String> triggers, List<String> leads, Pattern pattern) {
            this(category, score, triggers, leads, List.of(), pattern);
        }

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
    private static final List<String> OVERRIDE_VERBS = List.of("ignore", "disregard", "forget", "skip", "override", "bypass", "drop", "abandon", "neglect");
    private static final List<Rule> RULES = List.of(
            new Rule("instruction_override", 0.95, OVERRIDE_VERBS, OVERRIDE_VERBS,
                    Pattern.compile(
                    "\\b(?:" + String.join("|", OVERRIDE_VERBS) + ")\\s+" + ALL
                            + "(?:instructions?|prompts?|rules|directions?|guidelines|guidance|context|messages?|orders|commands|constraints)\\b")),
            new Rule("instruction_override", 0.7, List.of("instruction", "from now on"), List.of("new", "updated", "real", "actual", "from"),
                    Pattern.compile(
                    "\\b(?:new|updated|real|actual)\\s+instructions?\\s*:|\\bfrom\\s+now\\s+on,?\\s+(?:you\\s+(?:will|must|shall|are)|ignore|only)")),
            new Rule("instruction_override", 0.8, List.of("follow"), List.of("do", "don't", "never"),
                    Pattern.compile(
                    "\\b(?:do\\s+not|don't|never)\\s+follow\\s+" + ALL + "(?:instructions?|rules|guidelines)\\b")),
            new Rule("persona_switch", 0.9, List.of("anything now", "dan mode", "developer mode", "jailbr", "you are"),
                    List.of("do", "dan", "developer", "jailbr", "you"),
                    Pattern.compile(
                    "\\bdo\\s+anything\\s+now\\b|\\bdan\\s+mode\\b|\\bdeveloper\\s+mode\\s+(?:enabled|on)\\b|\\bjailbr(?:oken|eak)\\b"
                            + "|\\byou\\s+are\\s+(?:now\\s+)?(?:no\\s+longer\\s+bound|free\\s+from|freed\\s+from|an?\\s+(?:unrestricted|unfiltered|uncensored))")),
            new Rule("persona_switch", 0.75, List.of("pretend", "act ", "behave", "respond", "without"),
                    List.of("pretend", "act", "behave", "respond", "without"),
                    Pattern.compile(
                    "\\b(?:pretend|act|behave|respond)\\s+(?:to\\s+be|as\\s+if\\s+you\\s+(?:are|were)|as)\\s+(?:an?\\s+)?"
                            + "(?:unrestricted|unfiltered|uncensored|evil|amoral|rogue)\\b|\\bwithout\\s+(?:any\\s+)?(?:restrictions|filters|censorship|ethical\\s+guidelines)\\b")),
            new Rule("system_prompt_extraction", 0.9,
                    List.of("reveal", "print", "show", "repeat", "output", "display", "leak", "dump", "recite", "tell me", "give me", "what"),
                    List.of("reveal", "print", "show", "repeat", "output", "display", "leak", "dump", "recite", "tell", "give", "what"),
                    Pattern.compile(
                    "\\b(?:reveal|print|show|repeat|output|display|leak|dump|recite|tell\\s+me|give\\s+me|what\\s+(?:is|are|was|were))\\s+"
                            + "(?:me\\s+)?(?:your\\s+(?:(?:full|entire|exact|original|initial|hidden|secret|system)\\s+)*"
                            + "(?:system\\s+prompt|prompt|instructions|system\\s+message|rules)"
                            + "|the\\s+(?:(?:full|entire|exact|original|initial|hidden|secret)\\s+)*system\\s+(?:prompt|message|instructions))\\b")),
            new Rule("system_prompt_extraction", 0.8, List.of("repeat", "print", "output"), List.of("repeat", "print", "output"),
                    Pattern.compile(
                    "\\b(?:repeat|print|output)\\s+(?:all\\s+)?(?:the\\s+)?(?:text|words|everything)\\s+(?:above|before\\s+this)\\b")),
            new Rule("delimiter_injection", 0.9, List.of("<|", "inst]", "sys", "system", "assistant", "end of"),
                    List.of("<|", "[inst]", "[/inst]", "<<", "end"), List.of("#", "system", "assistant"),
                    Pattern.compile(
                    "<\\|(?:im_start|im_end|system|endoftext|eot_id|start_header_id)\\|>|\\[/?inst\\]|<<\\s*/?sys\\s*>>"
                            + "|(?m)^\\s*(?:#{1,3}\\s*)?(?:system|assistant)\\s*:\\s*\\S|\\bend\\s+of\\s+(?:user\\s+)?(?:input|prompt|instructions)\\b")));

    /** Words spelled out with gaps: "i g n o r e", "i.g.n.o.r.e". */
    private static final Pattern SPACED = Pattern.compile("(?:\\b[a-z][\\s.\\-_*]{1,3}){3,}[a-z]\\b");
    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/]{16,}={0,2}");
    private static final Pattern COMPACT_OVERRIDE = Pattern.compile(
            "(?:ignore|disregard|forget|bypass)(?:all|any|the|your|previous|prior|above)*(?:instructions?|prompts?|rules)");

    private static final RuleStarts STARTS = new RuleStarts(RULES.stream().map(Rule::leads).toList(),
            RULES.stream().map(Rule::lineLeads).toList());

    /** The learned scorer's category: what the model finds has no rule, so no rule's name. */
    public static final String LEARNED = "learned";
    /** Model scores below this are not findings: they would fill the audit with near-certain negatives. */
    static final double LEARNED_FLOOR = 0.5;
    /**
     * Texts of fewer words (runs of letters and digits; the marks the model also reads do not count)
     * are left to the rules: a few words say too little for the model to judge, and a short JSON
     * value such as a tool's {@code {"temp":20}} is mostly marks, which alone scored as an injection.
     */
    static final int LEARNED_MIN_WORDS = 5;
    /** How many of the words and word pairs that weighed most a learned finding names. */
    static final int LEARNED_EVIDENCE = 5;
    /** How much of the end of a text too long for the model's features is scored on its own. */
    static final int LEARNED_TAIL = 16 * 1024;

    private final InjectionModel model;
    private final SemanticStage semantic;

    /** Rules only. */
    public InjectionScanner() {
        this(null);
    }

    /** Rules and, when {@code model} is not null, the learned score of the whole text. */
    public InjectionScanner(InjectionModel model) {
        this(model, null);
    }

    /** Rules, the word model's score and, when {@code semantic} is not null, its second stage. */
    public InjectionScanner(InjectionModel model, SemanticStage semantic) {
        this.model = model;
        this.semantic = semantic;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Whether {@code text} has at least {@code n} runs of letters or digits; reads only as far as it must. */
    static boolean hasWords(CharSequence text, int n) {
        int words = 0;
        boolean inWord = false;
        for (int i = 0; i < text.length() && words < n; i++) {
            boolean letter = Character.isLetterOrDigit(text.charAt(i));
            if (letter && !inWord) {
                words++;
            }
            inWord = letter;
        }
        return words >= n;
    }

    @Override
    public List<Finding> scan(String text, Direction direction) {
        ReadingView view = ReadingView.of(text);
        List<Finding> findings = rules(text, view);
        if (model != null) {
            // The whole text, as a model reads it (look-alikes and leetspeak folded). Scoring
            // paragraphs on their own was tried and dropped: on templates held out of training it
            // flagged harmless paragraphs of longer documents.
            TextFeatures features = TextFeatures.of(view.text);
            double p = !hasWords(view.text, LEARNED_MIN_WORDS) ? 0 : model.probability(features);
            String scored = view.text;
            if (features.words() >= TextFeatures.MAX_WORDS) {
                // The features stop at the first 4,096 words: an injection at the end of a long
                // document would go unseen, so its last 16 KB are scored too.
                String tail = view.text.substring(view.text.length() - LEARNED_TAIL);
                double pTail = model.probability(tail);
                if (pTail > p) {
                    p = pTail;
                    scored = tail;
                }
            }
            if (semantic != null) {
                p = semantic.rescore(text, p); // texts too short for the word model scored 0 and are not staged
            }
            if (p >= LEARNED_FLOOR) {
                // Explained only when reported: naming the words costs strings, scoring does not.
                findings.add(new Finding(NAME, LEARNED, p, new Span(0, text.length()), model.explain(scored, LEARNED_EVIDENCE)));
            }
        }
        return findings;
    }

    private List<Finding> rules(String text, ReadingView view) {
        List<Finding> findings = new ArrayList<>();
        RuleStarts.Found starts = STARTS.find(view.text);
        matchRules(view.text, starts.plain(), 1, view, findings);
        Matches.each(SPACED, view.text, starts.spaced(), spaced -> {
            String letters = spaced.group().replaceAll("[^a-z]", "");
            if (COMPACT_OVERRIDE.matcher(letters).find()) {
                findings.add(new Finding(NAME, "instruction_override", 0.9, view.span(spaced.start(), spaced.end())));
            }
        });
        Matches.each(BASE64, text, base64Starts(text), encoded -> {
            String decoded = decodedText(encoded.group());
            if (decoded != null) {
                for (Finding inner : rules(decoded, ReadingView.of(decoded))) {
                    findings.add(new Finding(NAME, inner.category(), inner.score() * 0.95, new Span(encoded.start(), encoded.end())));
                }
            }
        });
        if (starts.anyRot13()) {
            matchRules(RuleStarts.rot13(view.text), starts.rot13(), 0.95, view, findings);
        }
        findings.sort((a, b) -> a.span().start() != b.span().start() ? Integer.compare(a.span().start(), b.span().start())
                : Double.compare(b.score(), a.score()));
        return new ArrayList<>(dedupe(findings));
    }

    /**
     * Every rule's matches in {@code text} (the view or its rot13, which has the view's spans), tried
     * at {@code starts}, scores times {@code weight}. A rule whose triggers are not in the text finds
     * nothing; that is asked only once it has matched, since it rarely does and the search costs.
     */
    private static void matchRules(String text, Starts[] starts, double weight, ReadingView view, List<Finding> findings) {
        for (int r = 0; r < RULES.size(); r++) {
            Rule rule = RULES.get(r);
            List<Finding> found = new ArrayList<>(0);
            Matches.each(rule.pattern(), text, starts[r], m ->
                    found.add(new Finding(NAME, rule.category(), rule.score() * weight, view.span(m.start(), m.end()))));
            if (!found.isEmpty() && rule.mayMatch(text)) {
                findings.addAll(found);
            }
        }
    }

    /**
     * Where a base64 segment can begin: at the start of a run of 16 or more base64 chars. A shorter
     * run has no match, and a match takes its whole run, so none begins inside one.
     */
    private static Starts base64Starts(String text) {
        Starts starts = new Starts();
        int run = 0;
        for (int i = 0; i <= text.length(); i++) {
            if (i < text.length() && isBase64(text.charAt(i))) {
                run++;
            } else {
                if (run >= 16) {
                    starts.add(i - run);
                }
                run = 0;
            }
        }
        return starts;
    }

    private static boolean isBase64(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
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

    /** One finding per category and span: the same phrase can match a rule in two views. */
    private static List<Finding> dedupe(List<Finding> sorted) {
        // Every finding kept so far starts at or before this one, so one of them holds it exactly
        // when the furthest end of its category reaches this one's end: one pass, not one per pair
        // (a text of the same phrase repeated would otherwise cost its findings squared).
        List<Finding> out = new ArrayList<>();
        Map<String, Integer> furthestEnd = new HashMap<>();
        for (Finding f : sorted) {
            Integer end = furthestEnd.get(f.category());
            if (end == null || end < f.span().end()) {
                out.add(f);
                furthestEnd.put(f.category(), f.span().end());
            }
        }
        return out;
    }
}
