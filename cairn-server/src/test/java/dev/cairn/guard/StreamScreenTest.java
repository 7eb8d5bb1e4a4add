package dev.cairn.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * A streamed answer through the answer's guard gives the client exactly what the same answer gets
 * when it is not streamed, however the upstream cuts it into chunks, while holding back only what
 * may be a finding still arriving.
 */
class StreamScreenTest {

    private static final String GITHUB = "ghp_" + "R2d2C3p0L1k3S4n5H6n7B8b9F0e1L2u3K4e5";
    private static final String PEM = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----";
    private static final String ANSWER = "Sure. Use the token " + GITHUB + " for the API, mail ops@example.org, pay with "
            + "4111 1111 1111 1111 or IBAN DE89 3704 0044 0532 0130 00, and keep this:\n" + PEM + "\nIn JSON: {\"card\": \"5500 0000 0000 0004\"},"
            + " in code `4012 8888 8888 1881`, in bold **DE44 5001 0517 5407 3249 31**. That is all.";

    private static Guard guard(Map<String, String> config) {
        GuardProperties properties = new Binder(new MapConfigurationPropertySource(config)).bindOrCreate("cairn.guard", GuardProperties.class);
        return new Guard(new GuardPolicies(properties));
    }

    private static final Guard REDACTING = guard(Map.of(
            "cairn.guard.policy.pii.action", "redact", "cairn.guard.policy.secrets.action", "redact"));

    private static OutputScreen screen(Guard guard, Canary canary) {
        return new OutputScreen(guard, "w", new Redactor(), canary, Restorer.NONE);
    }

    private static String streamed(OutputScreen screen, List<String> pieces) {
        StreamScreen stream = screen.stream(OutputScreen.Part.content(0));
        StringBuilder out = new StringBuilder();
        pieces.forEach(p -> out.append(stream.accept(p)));
        return out.append(stream.finish()).toString();
    }

    @Test
    void everyCutIntoTwoOrThreePiecesGivesTheUnstreamedResult() {
        String whole = screen(REDACTING, null).screen(OutputScreen.Part.content(0), ANSWER);
        assertThat(whole).contains("[GITHUB_TOKEN_1]", "[EMAIL_1]", "[PAYMENT_CARD_1]", "[IBAN_1]", "[PRIVATE_KEY_1]",
                        "[PAYMENT_CARD_2]", "[PAYMENT_CARD_3]", "[IBAN_2]")
                .doesNotContain("ghp_", "4111", "MIIE", "5500", "4012", "DE44");
        for (int i = 0; i <= ANSWER.length(); i++) {
            assertThat(streamed(screen(REDACTING, null), List.of(ANSWER.substring(0, i), ANSWER.substring(i))))
                    .as("cut at %d", i).isEqualTo(whole);
        }
        Random random = new Random(7);
        for (int run = 0; run < 300; run++) {
            int a = random.nextInt(ANSWER.length() + 1);
            int b = random.nextInt(ANSWER.length() + 1);
            int first = Math.min(a, b);
            int second = Math.max(a, b);
            assertThat(streamed(screen(REDACTING, null),
                    List.of(ANSWER.substring(0, first), ANSWER.substring(first, second), ANSWER.substring(second))))
                    .as("cuts at %d and %d", first, second).isEqualTo(whole);
        }
    }

    @Test
    void tokenSizedChunksGiveTheUnstreamedResultAndTheSameVerdicts() {
        OutputScreen whole = screen(REDACTING, null);
        String expected = whole.screen(OutputScreen.Part.content(0), ANSWER);
        for (int size = 1; size <= 7; size++) {
            OutputScreen stream = screen(REDACTING, null);
            List<String> pieces = new java.util.ArrayList<>();
            for (int at = 0; at < ANSWER.length(); at += size) {
                pieces.add(ANSWER.substring(at, Math.min(ANSWER.length(), at + size)));
            }
            assertThat(streamed(stream, pieces)).as("chunks of %d", size).isEqualTo(expected);
            assertThat(stream.verdicts()).as("chunks of %d", size).isEqualTo(whole.verdicts());
            assertThat(stream.screenedText(0)).isEqualTo(expected);
        }
    }

    @Test
    void onlyAPossibleFindingIsHeldBack() {
        StreamScreen stream = screen(REDACTING, null).stream(OutputScreen.Part.content(0));
        assertThat(stream.accept("The answer is forty")).isEqualTo("The answer is ");
        assertThat(stream.accept("-two, as ")).isEqualTo("forty-two, as ");
        // A word that may be the start of a key waits for its end; so do groups of digits.
        assertThat(stream.accept("you said. Token gh")).isEqualTo("you said. Token ");
        assertThat(stream.accept("p_" + GITHUB.substring(4) + " and card 4111 1111 ")).isEqualTo("[GITHUB_TOKEN_1] and card ");
        assertThat(stream.accept("1111 1111 thanks")).isEqualTo("[PAYMENT_CARD_1] ");
        assertThat(stream.finish()).isEqualTo("thanks");
    }

    @Test
    void aLongRunWithoutWhitespaceIsNotHeldForever() {
        StreamScreen stream = screen(REDACTING, null).stream(OutputScreen.Part.content(0));
        String run = "x".repeat(Holdback.MAX + 10);
        String released = stream.accept(run);
        assertThat(released).hasSize(run.length() - Holdback.KEEP);
        assertThat(released + stream.finish()).isEqualTo(run);
    }

    @Test
    void aKeyLongerThanTheHoldbackDoesNotStallTheStreamAndItsRestStaysRedacted() {
        OutputScreen screen = screen(REDACTING, null);
        StreamScreen stream = screen.stream(OutputScreen.Part.content(0));
        String key = "sk-proj-" + "Ab1".repeat(4000);
        StringBuilder out = new StringBuilder(stream.accept("key: "));
        int placeholderAt = -1;
        for (int at = 0; at < key.length(); at += 100) {
            out.append(stream.accept(key.substring(at, Math.min(key.length(), at + 100))));
            placeholderAt = placeholderAt < 0 && out.indexOf("[OPENAI_KEY_1]") >= 0 ? at : placeholderAt;
        }
        assertThat(placeholderAt).as("the stream went on while the key still arrived").isBetween(0, key.length() - 1000);
        out.append(stream.accept(" done")).append(stream.finish());
        assertThat(out.toString()).startsWith("key: [OPENAI_KEY_1]").endsWith(" done").doesNotContain("Ab1");
        assertThat(screen.verdicts()).hasSize(1);
    }

    @Test
    void theCanaryIsFoundWhereverTheStreamCutsIt() {
        Guard blocking = guard(Map.of("cairn.guard.policy.canary.action", "block"));
        Canary canary = Canary.random();
        String leak = "My instructions end with <!-- " + canary.word().toUpperCase(java.util.Locale.ROOT) + " --> as you see.";
        for (int i = 0; i <= leak.length(); i++) {
            OutputScreen screen = screen(blocking, canary);
            streamed(screen, List.of(leak.substring(0, i), leak.substring(i)));
            assertThat(screen.blocked()).as("cut at %d", i).isTrue();
            assertThat(screen.blockingCategory()).isEqualTo(Canary.CATEGORY);
        }
        OutputScreen clean = screen(blocking, canary);
        streamed(clean, List.of("Nothing ", "to see."));
        assertThat(clean.blocked()).isFalse();
    }

    @Test
    void placeholdersOfTheCallerAreRestoredEvenWhenCutAndOthersStay() {
        Redactor redactor = new Redactor();
        String key = "sk-proj-" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0";
        Finding finding = new SecretScanner().scan(key, Scanner.Direction.INPUT).getFirst();
        assertThat(redactor.redact(key, List.of(finding)).text()).isEqualTo("[OPENAI_KEY_1]");
        OutputScreen screen = new OutputScreen(REDACTING, "w", redactor, null, redactor.restorer());
        String answer = "Rotate [OPENAI_KEY_1] now; the leaked one was " + GITHUB + ".";
        for (int i = 0; i <= answer.length(); i++) {
            OutputScreen fresh = new OutputScreen(REDACTING, "w", redactedOnce(key, finding), null, redactor.restorer());
            assertThat(streamed(fresh, List.of(answer.substring(0, i), answer.substring(i))))
                    .as("cut at %d", i).isEqualTo("Rotate " + key + " now; the leaked one was [GITHUB_TOKEN_1].");
        }
        assertThat(screen.restore(screen.screen(OutputScreen.Part.content(0), answer))).isEqualTo("Rotate " + key + " now; the leaked one was [GITHUB_TOKEN_1].");
    }

    /** A redactor in the state the prompt left it in, so each run numbers its placeholders alike. */
    private static Redactor redactedOnce(String key, Finding finding) {
        Redactor copy = new Redactor();
        copy.redact(key, List.of(finding));
        return copy;
    }
}
