package dev.cairn.guard;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@link PiiScanner} as it was before its scans were sped up (commit 8dc84e6), kept unchanged
 * but for its name as the oracle {@link ScannerEquivalenceTest} holds the fast one to: every
 * pattern run with {@code find()} over the whole text. Its own documentation follows.
 *
 * Finds personal data in a text: e-mail addresses, phone numbers, payment cards, IBANs, US social
 * security numbers and IP addresses.
 *
 * <p>Scores: a payment card or IBAN that passes its check digits is all but certain, so it scores 1.0.
 * The other kinds are known only by their shape, and a shape can be a coincidence (a part number that
 * looks like a phone, a dotted number that looks like an address), so they score less, the loosest
 * shape (phone) the least.
 */
final class ReferencePiiScanner implements Scanner {

    public static final String NAME = "pii";

    static final double CHECKSUM = 1.0;
    static final double EMAIL = 0.9;
    static final double IP_ADDRESS = 0.9;
    static final double US_SSN = 0.85;
    static final double PHONE = 0.8;

    private static final String LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";

    private static final Pattern EMAIL_ADDRESS = Pattern.compile(
            "(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@" + LABEL + "(?:\\." + LABEL + ")*\\.[A-Za-z]{2,24}(?![A-Za-z0-9-])");

    // "+" and a country code, then groups that may be split by one space, dot or dash, or bracketed.
    private static final Pattern INTERNATIONAL_PHONE = Pattern.compile(
            "(?<![\\w+])\\+[1-9]\\d{0,2}(?:[ .-]?(?:\\(\\d{1,4}\\)|\\d{1,4})){2,6}(?!\\d|[.-]\\d)");

    // North American (555) 234-5678 or 555-234-5678: area code and exchange never start with 0 or 1.
    private static final Pattern NORTH_AMERICAN_PHONE = Pattern.compile(
            "(?<![\\w.+-])(?:\\([2-9]\\d{2}\\) ?|[2-9]\\d{2}[ .-])[2-9]\\d{2}[ .-]\\d{4}(?!\\d|[.-]\\d)");

    // National formats elsewhere start with the trunk prefix 0 and are written in groups: 030 1234 5678,
    // 06-12 34 56 78. A bare run of digits is not taken: it is more often an order or account number.
    private static final Pattern TRUNK_PHONE = Pattern.compile(
            "(?<![\\w.+-])0\\d{1,4}(?:[ /.-]\\d{2,4}){2,4}(?!\\d|[.-]\\d)");

    private static final Pattern CARD = Pattern.compile("(?<![\\w.-])\\d(?:[ -]?\\d){12,18}(?!\\d)");

    private static final Pattern IBAN_START = Pattern.compile("(?<![A-Za-z0-9])([A-Z]{2})\\d{2}");

    private static final Pattern SSN = Pattern.compile("(?<![\\d-])(\\d{3})-(\\d{2})-(\\d{4})(?![\\d-])");

    // Octets are checked after the match; a fifth dotted number or a leading word character means a
    // version string or identifier (1.2.3.4.5, v1.2.3.4), not an address.
    private static final Pattern IPV4 = Pattern.compile(
            "(?<![\\w.])(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})(?!\\w|\\.\\d)");

    private static final Pattern IPV6_CANDIDATE = Pattern.compile("(?<![\\w:.])[0-9A-Fa-f:]{2,39}(?![\\w:]|\\.\\w)");

    // IBAN lengths by country (ISO 13616 registry): the EU and EEA, the UK and Switzerland, and the
    // microstates that share the euro area's payment system. Other countries are not taken, since
    // without a known length a check over the wrong number of characters proves nothing.
    private static final Map<String, Integer> IBAN_LENGTHS = Map.ofEntries(
            Map.entry("AD", 24), Map.entry("AT", 20), Map.entry("BE", 16), Map.entry("BG", 22),
            Map.entry("CH", 21), Map.entry("CY", 28), Map.entry("CZ", 24), Map.entry("DE", 22),
            Map.entry("DK", 18), Map.entry("EE", 20), Map.entry("ES", 24), Map.entry("FI", 18),
            Map.entry("FR", 27), Map.entry("GB", 22), Map.entry("GI", 23), Map.entry("GR", 27),
            Map.entry("HR", 21), Map.entry("HU", 28), Map.entry("IE", 22), Map.entry("IS", 26),
            Map.entry("IT", 27), Map.entry("LI", 21), Map.entry("LT", 20), Map.entry("LU", 20),
            Map.entry("LV", 21), Map.entry("MC", 27), Map.entry("MT", 31), Map.entry("NL", 18),
            Map.entry("NO", 15), Map.entry("PL", 28), Map.entry("PT", 25), Map.entry("RO", 24),
            Map.entry("SE", 24), Map.entry("SI", 19), Map.entry("SK", 24), Map.entry("SM", 27));

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Finding> scan(String text, Direction direction) {
        // Patterns run only when the text has what every match of them needs (an @, enough digits,
        // a colon): most prompts have little of it, and counting is far cheaper than a regex pass.
        List<Finding> findings = new ArrayList<>();
        int digitCount = 0;
        for (int i = 0; i < text.length(); i++) {
            if (isDigit(text.charAt(i))) {
                digitCount++;
            }
        }
        if (text.indexOf('@') >= 0) {
            ReferenceMatches.each(EMAIL_ADDRESS, text, m -> add(findings, "email", EMAIL, m.start(), m.end()));
        }
        if (digitCount >= 8) {
            ReferenceMatches.each(INTERNATIONAL_PHONE, text, m -> phone(findings, m, 8));
            ReferenceMatches.each(NORTH_AMERICAN_PHONE, text, m -> phone(findings, m, 10));
            // Ten digits at least: nine in groups of 3-2-4 is the shape of a US SSN, not a phone.
            ReferenceMatches.each(TRUNK_PHONE, text, m -> phone(findings, m, 10));
            ReferenceMatches.each(CARD, text, m -> card(findings, m));
            ReferenceMatches.each(IBAN_START, text, m -> iban(findings, text, m));
            ReferenceMatches.each(SSN, text, m -> ssn(findings, m));
        }
        if (digitCount >= 4 && text.indexOf('.') >= 0) {
            ReferenceMatches.each(IPV4, text, m -> ipv4(findings, m));
        }
        if (text.indexOf(':') >= 0) {
            ReferenceMatches.each(IPV6_CANDIDATE, text, m -> {
                if (isIpv6(m.group())) {
                    add(findings, "ip_address", IP_ADDRESS, m.start(), m.end());
                }
            });
        }
        return ReferenceMatches.inTextOrder(findings);
    }

    private void phone(List<Finding> findings, Matcher m, int minDigits) {
        int digits = digits(m.group()).length();
        // E.164 allows at most 15 digits; fewer than minDigits is an extension or a short code.
        if (digits >= minDigits && digits <= 15) {
            add(findings, "phone", PHONE, m.start(), m.end());
        }
    }

    // The match may run on into a following number ("4111 1111 1111 1111 12"), so shorter readings that
    // end where a group ends are tried too, longest first.
    private void card(List<Finding> findings, Matcher m) {
        String match = m.group();
        for (int end = match.length(); end > 0; end--) {
            boolean groupEnd = end == match.length() || !isDigit(match.charAt(end));
            if (!groupEnd || !isDigit(match.charAt(end - 1))) {
                continue;
            }
            String digits = digits(match.substring(0, end));
            if (digits.length() < 13) {
                return;
            }
            if (isCardNetwork(digits) && Checksums.luhn(digits)) {
                add(findings, "payment_card", CHECKSUM, m.start(), m.start() + end);
                return;
            }
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Whether the number has the prefix and length of a card network that issues it. */
    static boolean isCardNetwork(String digits) {
        int length = digits.length();
        int two = Integer.parseInt(digits.substring(0, 2));
        int three = Integer.parseInt(digits.substring(0, 3));
        int four = Integer.parseInt(digits.substring(0, 4));
        boolean visa = digits.charAt(0) == '4' && (length == 13 || length == 16 || length == 19);
        boolean mastercard = ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) && length == 16;
        boolean amex = (two == 34 || two == 37) && length == 15;
        boolean discover = (four == 6011 || two == 65 || (three >= 644 && three <= 649)) && length >= 16;
        boolean jcb = four >= 3528 && four <= 3589 && length >= 16;
        boolean diners = (two == 36 || two == 38 || two == 39 || (three >= 300 && three <= 305)) && length >= 14;
        boolean unionPay = two == 62 && length >= 16;
        return visa || mastercard || amex || discover || jcb || diners || unionPay;
    }

    // The IBAN's length depends on its country, so the match is walked by hand: the check digits and
    // then exactly that many letters and digits, allowing one space between groups as IBANs are printed.
    private void iban(List<Finding> findings, String text, Matcher m) {
        Integer length = IBAN_LENGTHS.get(m.group(1));
        if (length == null) {
            return;
        }
        StringBuilder compact = new StringBuilder(m.group());
        int i = m.end();
        while (compact.length() < length && i < text.length()) {
            char c = text.charAt(i);
            if (isUpperAlnum(c)) {
                compact.append(c);
                i++;
            } else if (c == ' ' && i + 1 < text.length() && isUpperAlnum(text.charAt(i + 1))) {
                i++;
            } else {
                break;
            }
        }
        boolean whole = compact.length() == length && (i == text.length() || !Character.isLetterOrDigit(text.charAt(i)));
        if (whole && Checksums.iban(compact.toString())) {
            add(findings, "iban", CHECKSUM, m.start(), i);
        }
    }

    private static boolean isUpperAlnum(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    // The Social Security Administration never issues area 000, 666 or 900-999, group 00 or serial 0000.
    private void ssn(List<Finding> findings, Matcher m) {
        int area = Integer.parseInt(m.group(1));
        boolean issued = area != 0 && area != 666 && area < 900
                && !m.group(2).equals("00") && !m.group(3).equals("0000");
        if (issued) {
            add(findings, "us_ssn", US_SSN, m.start(), m.end());
        }
    }

    private void ipv4(List<Finding> findings, Matcher m) {
        for (int g = 1; g <= 4; g++) {
            String octet = m.group(g);
            // A leading zero (010) reads as octal to some parsers and as decimal to others: not an address.
            if (Integer.parseInt(octet) > 255 || (octet.length() > 1 && octet.charAt(0) == '0')) {
                return;
            }
        }
        add(findings, "ip_address", IP_ADDRESS, m.start(), m.end());
    }

    /**
     * Whether the candidate is an IPv6 address: eight groups of one to four hex digits, or fewer with a
     * single {@code ::} standing for the missing ones. A bare {@code ::} is not taken: in prose and
     * code it is far more often a scope operator than the unspecified address.
     */
    static boolean isIpv6(String candidate) {
        int gap = candidate.indexOf("::");
        if (gap != candidate.lastIndexOf("::") || candidate.contains(":::")) {
            return false;
        }
        List<String> groups = new ArrayList<>();
        if (gap < 0) {
            if (!collect(candidate, groups)) {
                return false;
            }
            return groups.size() == 8;
        }
        String head = candidate.substring(0, gap);
        String tail = candidate.substring(gap + 2);
        if ((!head.isEmpty() && !collect(head, groups)) || (!tail.isEmpty() && !collect(tail, groups))) {
            return false;
        }
        return !groups.isEmpty() && groups.size() <= 7;
    }

    private static boolean collect(String part, List<String> groups) {
        for (String group : part.split(":", -1)) {
            if (group.isEmpty() || group.length() > 4) {
                return false;
            }
            groups.add(group);
        }
        return true;
    }

    private static String digits(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                out.append(c);
            }
        }
        return out.toString();
    }

    private void add(List<Finding> findings, String category, double score, int start, int end) {
        findings.add(new Finding(name(), category, score, new Span(start, end)));
    }
}
