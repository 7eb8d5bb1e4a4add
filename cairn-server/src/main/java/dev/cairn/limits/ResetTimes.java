package dev.cairn.limits;

/**
 * Durations as OpenAI writes them in {@code x-ratelimit-reset-*} headers, which is Go's
 * {@code time.Duration} format: {@code 20ms}, {@code 1s}, {@code 8.64s}, {@code 6m0s},
 * {@code 1h2m3s}. Kept to milliseconds.
 */
final class ResetTimes {

    private ResetTimes() {
    }

    static String format(long micros) {
        long millis = (micros + 999) / 1000;
        if (millis == 0) {
            return "0s";
        }
        if (millis < 1000) {
            return millis + "ms";
        }
        StringBuilder out = new StringBuilder();
        long hours = millis / 3_600_000;
        long minutes = millis / 60_000 % 60;
        long seconds = millis / 1000 % 60;
        long fraction = millis % 1000;
        if (hours > 0) {
            out.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            out.append(minutes).append('m');
        }
        out.append(seconds);
        if (fraction > 0) {
            String digits = String.format("%03d", fraction);
            int end = digits.length();
            while (digits.charAt(end - 1) == '0') {
                end--;
            }
            out.append('.').append(digits, 0, end);
        }
        return out.append('s').toString();
    }

    /** Whole seconds for {@code Retry-After}: rounded up, and at least 1 so that clients do wait. */
    static long retryAfterSeconds(long micros) {
        return Math.max(1, (micros + 999_999) / 1_000_000);
    }
}
