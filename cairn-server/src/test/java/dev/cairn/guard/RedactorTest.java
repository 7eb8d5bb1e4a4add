package dev.cairn.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import dev.cairn.guard.Scanner.Direction;
import org.junit.jupiter.api.Test;

/** Placeholders per value and per type, overlap resolution, and the round trip back to the originals. */
class RedactorTest {

    private static Finding finding(String category, int start, int end) {
        return new Finding("test", category, 0.9, new Span(start, end));
    }

    @Test
    void repeatedValuesGetTheSamePlaceholderAndTypesCountApart() {
        String text = "a@example.org, b@example.org, a@example.org; card 4111 1111 1111 1111";
        List<Finding> findings = new PiiScanner().scan(text, Direction.INPUT);

        Redaction redaction = new Redactor().redact(text, findings);

        assertThat(redaction.text()).isEqualTo("[EMAIL_1], [EMAIL_2], [EMAIL_1]; card [PAYMENT_CARD_1]");
        assertThat(redaction.replaced()).hasSize(4);
    }

    @Test
    void theAnswerSharesTheRequestsNumbering() {
        Redactor redactor = new Redactor();
        String prompt = "Email a@example.org and b@example.org";
        String answer = "Reply to b@example.org, then c@example.org";
        PiiScanner pii = new PiiScanner();

        Redaction in = redactor.redact(prompt, pii.scan(prompt, Direction.INPUT));
        Redaction out = redactor.redact(answer, pii.scan(answer, Direction.OUTPUT));

        assertThat(in.text()).isEqualTo("Email [EMAIL_1] and [EMAIL_2]");
        assertThat(out.text()).isEqualTo("Reply to [EMAIL_2], then [EMAIL_3]");
    }

    @Test
    void keepsTheLongestOfOverlappingFindingsAndDropsThoseInside() {
        // [0,10) holds [2,5); [8,14) overlaps [0,10) but is shorter; [20,24) and [22,26) tie, earlier wins.
        List<Finding> findings = List.of(
                finding("inner", 2, 5), finding("outer", 0, 10), finding("partial", 8, 14),
                finding("first", 20, 24), finding("second", 22, 26), finding("alone", 30, 32));

        assertThat(Redactor.resolve(findings)).containsExactly(
                finding("outer", 0, 10), finding("first", 20, 24), finding("alone", 30, 32));
    }

    @Test
    void findingsFromTwoScannersInsideOneBlockAreRedactedOnceAsTheBlock() {
        String text = "-----BEGIN PRIVATE KEY-----\nowner a@example.org\n-----END PRIVATE KEY----- done";
        List<Finding> findings = new ArrayList<>(new SecretScanner().scan(text, Direction.INPUT));
        findings.addAll(new PiiScanner().scan(text, Direction.INPUT));
        assertThat(findings).extracting(Finding::category).containsExactly("private_key", "email");

        assertThat(new Redactor().redact(text, findings).text()).isEqualTo("[PRIVATE_KEY_1] done");
    }

    @Test
    void restoresEveryPlaceholderItHandedOutAndLeavesOthers() {
        Redactor redactor = new Redactor();
        String text = "Key sk-proj-Ab12Cd34Ef56Gh78Ij90Kl12 for a@example.org (a@example.org)";
        List<Finding> findings = new ArrayList<>(new SecretScanner().scan(text, Direction.INPUT));
        findings.addAll(new PiiScanner().scan(text, Direction.INPUT));

        Redaction redaction = redactor.redact(text, findings);
        assertThat(redaction.text()).isEqualTo("Key [OPENAI_KEY_1] for [EMAIL_1] ([EMAIL_1])");

        assertThat(redactor.restore(redaction.text())).isEqualTo(text);
        assertThat(redactor.restore("Sent to [EMAIL_1], not [EMAIL_9] or [PHONE_1]; $1 \\ kept"))
                .isEqualTo("Sent to a@example.org, not [EMAIL_9] or [PHONE_1]; $1 \\ kept");
    }

    @Test
    void aTextWithoutFindingsIsUnchanged() {
        Redaction redaction = new Redactor().redact("nothing here", List.of());
        assertThat(redaction).isEqualTo(new Redaction("nothing here", List.of()));
    }
}
