package dev.cairn.memory.ingest;

import java.util.function.ToIntFunction;

/** The token counter and the most tokens a chunk may hold, as every format's chunker needs them. */
record Budget(ToIntFunction<String> counter, int max) {

    int count(String text) {
        return counter.applyAsInt(text);
    }

    boolean fits(String text) {
        return count(text) <= max;
    }

    Packer packer(String text) {
        return new Packer(counter, text);
    }

    /**
     * The budget left for a body under a repeated {@code prefix} (a heading, a diff header), or -1 when
     * the prefix would take more than half the budget: then it is not worth repeating.
     */
    int under(String prefix) {
        int left = max - count(prefix);
        return left * 2 >= max ? left : -1;
    }
}
