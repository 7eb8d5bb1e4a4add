package dev.cairn.guard;

import java.util.List;

/** Looks at a text going to a model ({@link Direction#INPUT}) or coming back ({@link Direction#OUTPUT}). */
public interface Scanner {

    enum Direction { INPUT, OUTPUT }

    /** The name policies use for it, e.g. {@code pii}, {@code secrets}, {@code unicode}. */
    String name();

    /** Everything it finds, in text order; empty when the text is clean. */
    List<Finding> scan(String text, Direction direction);
}
