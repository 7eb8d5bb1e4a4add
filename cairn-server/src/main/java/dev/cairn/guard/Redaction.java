package dev.cairn.guard;

import java.util.List;

/** A text with findings replaced by placeholders, and the findings that were replaced (overlaps resolved). */
public record Redaction(String text, List<Finding> replaced) {

    public Redaction {
        replaced = List.copyOf(replaced);
    }
}
