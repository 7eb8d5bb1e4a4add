package dev.cairn.memory.ingest;

/** How the content of an ingest request is laid out, which decides where {@link Chunker} cuts it. */
public enum IngestFormat {

    /** A conversation: one chunk per turn. */
    TRANSCRIPT("transcript"),
    /** Plain prose: paragraphs. */
    TEXT("text"),
    /** Markdown: sections under their headings. */
    MARKDOWN("markdown"),
    /** A log file: timestamped records with their continuation lines. */
    LOG("log"),
    /** A unified diff: hunks under their file headers. */
    DIFF("diff");

    private static final String NAMES = "transcript, text, markdown, log, diff";

    private final String wireName;

    IngestFormat(String wireName) {
        this.wireName = wireName;
    }

    /** The name used in requests, such as {@code markdown}. */
    public String wireName() {
        return wireName;
    }

    /**
     * The format named {@code name} in a request. Names are matched exactly (lower case), so a
     * misspelt format is refused rather than guessed.
     *
     * @throws IllegalArgumentException when the name is missing or unknown
     */
    public static IngestFormat fromWireName(String name) {
        if (name == null) {
            throw new IllegalArgumentException("format is missing: expected one of " + NAMES);
        }
        for (IngestFormat format : values()) {
            if (format.wireName.equals(name)) {
                return format;
            }
        }
        throw new IllegalArgumentException("unknown format \"" + name + "\": expected one of " + NAMES);
    }
}
