package dev.cairn.platform;

/** The {@code limit} query parameter of every list endpoint: absent means the default, else 1 to a maximum. */
public final class PageLimit {

    private PageLimit() {
    }

    public static int parse(String text, int fallback, int max) {
        if (text == null) {
            return fallback;
        }
        try {
            int limit = Integer.parseInt(text);
            if (limit >= 1 && limit <= max) {
                return limit;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw RequestException.invalid("invalid_value", "limit", "'limit' must be an integer from 1 to " + max);
    }
}
