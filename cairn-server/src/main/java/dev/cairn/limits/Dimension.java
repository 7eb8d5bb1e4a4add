package dev.cairn.limits;

/** Who a request is counted against: its key, its workspace, its end user ({@code user}) or its client address. */
enum Dimension {
    KEY("key"), WORKSPACE("workspace"), USER("user"), IP("ip");

    private final String wireName;

    Dimension(String wireName) {
        this.wireName = wireName;
    }

    /** The name in configuration, metrics and error messages. */
    String wireName() {
        return wireName;
    }
}
