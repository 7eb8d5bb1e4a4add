package dev.cairn.memory.ingest;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What {@code POST /v1/memory/ingest} is given, which decides how it is cut. */
public enum IngestFormat {
    TRANSCRIPT, TEXT, MARKDOWN, LOG, DIFF;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static IngestFormat fromWireName(String name) {
        for (IngestFormat format : values()) {
            if (format.wireName().equals(name)) {
                return format;
            }
        }
        throw new IllegalArgumentException("'" + name + "' is not an ingest format; use one of "
                + Arrays.stream(values()).map(IngestFormat::wireName).collect(Collectors.joining(", ")));
    }
}
