package dev.cairn.rewards;

/** One human preference: for {@code prompt}, the answer {@code chosen} was preferred to {@code rejected}. */
public record PreferencePair(String prompt, String chosen, String rejected) {
}
