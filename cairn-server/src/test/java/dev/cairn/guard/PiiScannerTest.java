package dev.cairn.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import dev.cairn.guard.Scanner.Direction;
import org.junit.jupiter.api.Test;

/** Each kind of personal data found with its exact span, and the look-alikes that must not be. */
class PiiScannerTest {

    private final PiiScanner scanner = new PiiScanner();

    /** Each finding as "category=matched text", in the order the scanner reports them. */
    private List<String> found(String text) {
        return scanner.scan(text, Direction.INPUT).stream().map(f -> f.category() + "=" + f.span().of(text)).toList();
    }

    @Test
    void findsAnEmailAddressWithItsExactSpanAndScore() {
        String text = "Write to jane.doe+billing@mail.example.co.uk, please.";

        List<Finding> findings = scanner.scan(text, Direction.OUTPUT);

        assertThat(findings).containsExactly(new Finding("pii", "email", 0.9, new Span(9, 44)));
        assertThat(findings.get(0).span().of(text)).isEqualTo("jane.doe+billing@mail.example.co.uk");
    }

    @Test
    void anAtSignWithoutADomainIsNotAnEmail() {
        assertThat(found("ping @channel, or user@localhost, or a@b.c")).isEmpty();
    }

    @Test
    void findsInternationalAndNationalPhoneNumbers() {
        assertThat(found("Call +44 20 7946 0958 or +1 (415) 555-0132."))
                .containsExactly("phone=+44 20 7946 0958", "phone=+1 (415) 555-0132");
        assertThat(found("US office: (415) 555-0132, desk 212-555-0199.2"))
                .containsExactly("phone=(415) 555-0132");
        assertThat(found("Berlin: 030 1234 5678, mobile 06-12 34 56 78"))
                .containsExactly("phone=030 1234 5678", "phone=06-12 34 56 78");
    }

    @Test
    void orderNumbersDatesAndShortCodesAreNotPhones() {
        assertThat(found("Order 4155550132 shipped, ref 202405170042, on 01.02.2024, code +12 3")).isEmpty();
        assertThat(found("Invoice 1234-5678-9012 due")).isEmpty();
    }

    @Test
    void takesACardOnlyWhenLuhnAndNetworkPrefixAgree() {
        assertThat(scanner.scan("Card: 4111 1111 1111 1111 exp 12/29", Direction.INPUT))
                .containsExactly(new Finding("pii", "payment_card", 1.0, new Span(6, 25)));
        assertThat(found("amex 3782-822463-10005, mc 5555555555554444, mc2 2223003122003222"))
                .containsExactly("payment_card=3782-822463-10005", "payment_card=5555555555554444",
                        "payment_card=2223003122003222");
        // A number running on after the card: the card is still read at its own length.
        assertThat(found("4111 1111 1111 1111 12")).containsExactly("payment_card=4111 1111 1111 1111");
    }

    @Test
    void rejectsLuhnInvalidAndUnknownPrefixNumbers() {
        // Last digit off by one: fails Luhn.
        assertThat(found("Card: 4111 1111 1111 1112")).isEmpty();
        // Passes Luhn (all zeros plus a valid check digit) but no network issues 1xxx or 0xxx.
        assertThat(found("ref 1000000000000008 and 0000000000000000")).isEmpty();
        // Visa prefix, Luhn-valid length 15 is not a Visa length.
        assertThat(PiiScanner.isCardNetwork("411111111111116")).isFalse();
    }

    @Test
    void takesAnIbanOnlyWhenTheChecksumAndCountryLengthMatch() {
        String text = "Pay to GB82 WEST 1234 5698 7654 32 by Friday.";
        assertThat(scanner.scan(text, Direction.INPUT))
                .containsExactly(new Finding("pii", "iban", 1.0, new Span(7, 34)));
        // The digit groups of a checked IBAN are not also read as a trunk-prefixed phone number.
        assertThat(found("DE89 3704 0044 0532 0130 00")).containsExactly("iban=DE89 3704 0044 0532 0130 00");
        assertThat(found("DE89370400440532013000; CH93 0076 2011 6238 5295 7; NO93 8601 1117 947"))
                .containsExactly("iban=DE89370400440532013000", "iban=CH93 0076 2011 6238 5295 7",
                        "iban=NO93 8601 1117 947");
    }

    @Test
    void rejectsAnIbanWithABadCheckOrTheWrongLength() {
        assertThat(found("GB82 WEST 1234 5698 7654 33")).isEmpty();
        assertThat(found("GB82 WEST 1234 5698 7654 3")).isEmpty();
        assertThat(found("GB82 WEST 1234 5698 7654 321")).isEmpty();
        // A country whose length is not known is not taken even if some check happens to pass.
        assertThat(found("ZZ12 3456 7890 1234")).isEmpty();
    }

    @Test
    void takesAnSsnOutsideTheRangesNeverIssued() {
        assertThat(scanner.scan("SSN 123-45-6789.", Direction.INPUT))
                .containsExactly(new Finding("pii", "us_ssn", 0.85, new Span(4, 15)));
        assertThat(found("000-12-3456 666-12-3456 900-12-3456 123-00-4567 123-45-0000 1123-45-6789")).isEmpty();
    }

    @Test
    void findsIpv4AddressesWithOctetsInRange() {
        assertThat(scanner.scan("from 192.168.1.254, then 10.0.0.1.", Direction.INPUT)).containsExactly(
                new Finding("pii", "ip_address", 0.9, new Span(5, 18)),
                new Finding("pii", "ip_address", 0.9, new Span(25, 33)));
        assertThat(found("999.1.1.1 and 256.0.0.1 and 010.1.1.1")).isEmpty();
    }

    @Test
    void versionStringsAreNotAddresses() {
        assertThat(found("upgrade to 1.2.3.4.5 or v1.2.3.4 or 2.0.1")).isEmpty();
    }

    @Test
    void findsIpv6InFullAndCompressedForms() {
        assertThat(found("full 2001:0db8:85a3:0000:0000:8a2e:0370:7334, short 2001:db8::8a2e:370:7334, loop ::1."))
                .containsExactly("ip_address=2001:0db8:85a3:0000:0000:8a2e:0370:7334",
                        "ip_address=2001:db8::8a2e:370:7334", "ip_address=::1");
    }

    @Test
    void timesMacAddressesAndScopeOperatorsAreNotIpv6() {
        assertThat(found("at 12:30:45, nic 00:1a:2b:3c:4d:5e, std::vector, 1::2::3")).isEmpty();
    }

    @Test
    void reportsFindingsInTextOrderAcrossCategories() {
        String text = "ip 10.1.2.3 mail a@example.org ssn 078-05-1120";
        assertThat(found(text)).containsExactly("ip_address=10.1.2.3", "email=a@example.org", "us_ssn=078-05-1120");
    }
}
