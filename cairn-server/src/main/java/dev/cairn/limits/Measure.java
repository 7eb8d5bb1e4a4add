package dev.cairn.limits;

/** What a bucket counts, with the suffix of its {@code x-ratelimit-*} headers. */
enum Measure {
    REQUESTS("requests"), TOKENS("tokens");

    private final String wireName;

    Measure(String wireName) {
        this.wireName = wireName;
    }

    String wireName() {
        return wireName;
    }
}
