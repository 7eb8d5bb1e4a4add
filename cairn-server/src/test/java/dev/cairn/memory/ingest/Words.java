package dev.cairn.memory.ingest;

/** The token counter of the ingest tests: one token per word, words being separated by white space. */
final class Words {

    private Words() {
    }

    static int count(String text) {
        return text.isBlank() ? 0 : text.strip().split("\\s+").length;
    }
}
