package dev.cairn.limits;

/** What a bucket counts, with the suffix of its {@code x-ratelimit-*} headers. */
public enum Measure {
    REQUESTS("requests"), TOKENS("tokens");

    private final String wireName;

    Measure(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
