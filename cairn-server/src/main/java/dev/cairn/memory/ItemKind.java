package dev.cairn.memory;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import dev.cairn.platform.RequestException;

/** What a memory item is; the wire name is the lower-case constant name. */
public enum ItemKind {
    MESSAGE, FACT, DECISION, CONSTRAINT, TASK, PREFERENCE, DOCUMENT, SUMMARY;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** A kind as stored by Cairn itself. */
    static ItemKind stored(String wireName) {
        return valueOf(wireName.toUpperCase(Locale.ROOT));
    }

    public static ItemKind parse(String value, String param) {
        for (ItemKind kind : values()) {
            if (kind.wireName().equals(value)) {
                return kind;
            }
        }
        throw RequestException.invalid("invalid_kind", param, "'" + value + "' is not an item kind; use one of "
                + Arrays.stream(values()).map(ItemKind::wireName).collect(Collectors.joining(", ")));
    }
}
