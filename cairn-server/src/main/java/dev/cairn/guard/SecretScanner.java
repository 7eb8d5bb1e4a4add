package dev.cairn.guard;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.cairn.platform.JsonBodies;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Finds credentials in a text: provider API keys, cloud access keys, chat and code-host tokens, JSON
 * web tokens and PEM private keys.
 *
 * <p>Scores: a PEM private-key block cannot be anything else, so it scores 1.0. Prefixed tokens
 * ({@code sk-ant-}, {@code ghp_}, {@code AKIA}) and JWTs whose header parses are near certain but
 * carry no check the scanner verifies, so 0.95. An AWS secret key is just 40 base64 characters,
 * taken only beside an access key id or under a label, so it scores lowest.
 */
public final class SecretScanner implements Scanner {

    public static final String NAME = "secrets";

    static final double PEM_BLOCK = 1.0;
    static final double PREFIXED = 0.95;
    static final double AWS_SECRET = 0.85;

    /** How far (in chars) an AWS secret key may be from an access key id and still be taken as its pair. */
    static final int AWS_PAIR_DISTANCE = 200;

    private static final Pattern ANTHROPIC_KEY = Pattern.compile("(?<![\\w-])sk-ant-[A-Za-z0-9_-]{20,}(?![\\w-])");

    // The lookahead keeps an Anthropic key from also matching here as sk- followed by "ant-...".
    private static final Pattern OPENAI_KEY = Pattern.compile(
            "(?<![\\w-])sk-(?!ant-)(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}(?![\\w-])");

    private static final Pattern AWS_ACCESS_KEY = Pattern.compile("(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])");

    private static final Pattern AWS_SECRET_CANDIDATE = Pattern.compile("(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])");

    // aws_secret_access_key = ..., "SecretAccessKey": "...", AWS_SECRET_KEY=...
    private static final Pattern AWS_SECRET_LABEL = Pattern.compile(
            "(?i)(?:aws_?)?secret_?(?:access_?)?key[\"']?\\s*[:=]\\s*[\"']?$");

    private static final Pattern GITHUB_TOKEN = Pattern.compile(
            "(?<!\\w)(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,244})(?!\\w)");

    private static final Pattern SLACK_TOKEN = Pattern.compile("(?<![\\w-])xox[abprs]-[A-Za-z0-9-]{10,}(?![\\w-])");

    // A JWT's header and payload are base64url JSON objects, so both start with "eyJ" ('{"'); the
    // signature is empty when the algorithm is "none".
    private static final Pattern JWT_CANDIDATE = Pattern.compile(
            "(?<![\\w.-])(eyJ[A-Za-z0-9_-]+)\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*(?![\\w.-])");

    // A PEM private-key block is its BEGIN line, anything, and the first END line after it. One
    // regex with ".*?" between them would scan to the end of the text from every BEGIN that has no
    // END, which is quadratic in a text of repeated BEGIN lines; privateKeys walks both lists once.
    private static final Pattern PRIVATE_KEY_BEGIN = Pattern.compile("-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY-----");
    private static final Pattern PRIVATE_KEY_END = Pattern.compile("-----END ([A-Z0-9]+ )*PRIVATE KEY-----");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Finding> scan(String text, Direction direction) {
        // Each pattern is tried only where the literal every match of it begins with occurs: most
        // prompts hold no secret, and a substring search is far cheaper than a regex pass.
        List<Finding> findings = new ArrayList<>();
        Matches.each(ANTHROPIC_KEY, text, Starts.of(text, "sk-ant-"), m -> add(findings, "anthropic_key", PREFIXED, m));
        Matches.each(OPENAI_KEY, text, Starts.of(text, "sk-"), m -> add(findings, "openai_key", PREFIXED, m));
        List<Span> accessKeys = new ArrayList<>();
        Matches.each(AWS_ACCESS_KEY, text, Starts.of(text, "AKIA", "ASIA"), m -> {
            add(findings, "aws_access_key", PREFIXED, m);
            accessKeys.add(new Span(m.start(), m.end()));
        });
        if (!accessKeys.isEmpty() || text.contains("ecret") || text.contains("ECRET")) {
            Matches.each(AWS_SECRET_CANDIDATE, text, fortyCharRuns(text), m -> {
                if (nearAny(m, accessKeys) || labelled(text, m.start())) {
                    add(findings, "aws_secret_key", AWS_SECRET, m);
                }
            });
        }
        Matches.each(GITHUB_TOKEN, text, Starts.of(text, "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
                m -> add(findings, "github_token", PREFIXED, m));
        Matches.each(SLACK_TOKEN, text, Starts.of(text, "xox"), m -> add(findings, "slack_token", PREFIXED, m));
        Matches.each(JWT_CANDIDATE, text, Starts.of(text, "eyJ"), m -> {
            if (isJwtHeader(m.group(1))) {
                add(findings, "jwt", PREFIXED, m);
            }
        });
        if (text.contains("PRIVATE KEY-----")) {
            privateKeys(text, findings);
        }
        return Matches.inTextOrder(findings);
    }

    /**
     * Each BEGIN line up to the first END line after it, as {@code BEGIN.*?END} would find them, in
     * time linear in the text: the END lines are listed once, and since blocks do not overlap, the
     * walk through that list only moves forward; with no END left, no later BEGIN can close.
     */
    private void privateKeys(String text, List<Finding> findings) {
        // Every END line, overlapping ones too: the block takes the first one at or after its BEGIN
        // line's end, and that may begin inside an earlier END line.
        List<Span> ends = new ArrayList<>();
        Starts endStarts = Starts.of(text, "-----END ");
        Matcher end = PRIVATE_KEY_END.matcher(text);
        for (int k = 0; k < endStarts.size(); k++) {
            end.region(endStarts.get(k), text.length());
            if (end.lookingAt()) {
                ends.add(new Span(end.start(), end.end()));
            }
        }
        Starts begins = Starts.of(text, "-----BEGIN ");
        Matcher begin = PRIVATE_KEY_BEGIN.matcher(text);
        int from = 0;
        int next = 0;
        for (int k = 0; k < begins.size() && next < ends.size(); k++) {
            int at = begins.get(k);
            if (at < from) {
                continue; // inside the block just found, as find() would skip it
            }
            begin.region(at, text.length());
            if (!begin.lookingAt()) {
                continue;
            }
            while (next < ends.size() && ends.get(next).start() < begin.end()) {
                next++;
            }
            if (next < ends.size()) {
                Span block = new Span(at, ends.get(next).end());
                findings.add(new Finding(name(), "private_key", PEM_BLOCK, block));
                from = block.end();
            }
        }
    }

    /** Where a run of exactly 40 base64 chars begins: the only place an AWS secret key candidate can. */
    private static Starts fortyCharRuns(String text) {
        Starts starts = new Starts();
        int run = 0;
        for (int i = 0; i <= text.length(); i++) {
            if (i < text.length() && isBase64(text.charAt(i))) {
                run++;
            } else {
                if (run == 40) {
                    starts.add(i - 40);
                }
                run = 0;
            }
        }
        return starts;
    }

    private static boolean isBase64(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/' || c == '+';
    }

    private static boolean nearAny(Matcher m, List<Span> accessKeys) {
        for (Span key : accessKeys) {
            int gap = m.start() >= key.end() ? m.start() - key.end() : key.start() - m.end();
            if (gap >= 0 && gap <= AWS_PAIR_DISTANCE) {
                return true;
            }
        }
        return false;
    }

    private static boolean labelled(String text, int start) {
        int from = Math.max(0, start - 40);
        return AWS_SECRET_LABEL.matcher(text.substring(from, start)).find();
    }

    /** Whether the first part decodes to a JSON object naming an algorithm, as every JWT header does. */
    static boolean isJwtHeader(String part) {
        try {
            byte[] json = Base64.getUrlDecoder().decode(part);
            JsonNode header = JsonBodies.JSON.readTree(new String(json, StandardCharsets.UTF_8));
            return header.isObject() && header.path("alg").isString();
        } catch (IllegalArgumentException | JacksonException e) {
            return false;
        }
    }

    private void add(List<Finding> findings, String category, double score, Matcher m) {
        findings.add(new Finding(name(), category, score, new Span(m.start(), m.end())));
    }
}
