package dev.cairn.guard;

/** The check-digit schemes that let a scanner tell a real card or IBAN from a number of the right shape. */
final class Checksums {

    private Checksums() {
    }

    /** The Luhn (mod 10) check over a string of ASCII digits, as every card network uses. */
    static boolean luhn(String digits) {
        int sum = 0;
        boolean twice = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (twice) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            twice = !twice;
        }
        return sum % 10 == 0;
    }

    /**
     * The ISO 13616 check over a compact IBAN (upper-case letters and digits, no spaces): the first four
     * characters moved to the end, letters read as 10 to 35, and the whole number mod 97 must be 1.
     */
    static boolean iban(String compact) {
        String rearranged = compact.substring(4) + compact.substring(0, 4);
        int remainder = 0;
        for (int i = 0; i < rearranged.length(); i++) {
            char c = rearranged.charAt(i);
            // Letters count as two digits, so fold them in one step of 100; digits in one step of 10.
            if (c >= 'A' && c <= 'Z') {
                remainder = (remainder * 100 + (c - 'A' + 10)) % 97;
            } else if (c >= '0' && c <= '9') {
                remainder = (remainder * 10 + (c - '0')) % 97;
            } else {
                return false;
            }
        }
        return remainder == 1;
    }
}
