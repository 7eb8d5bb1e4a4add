package dev.cairn.guard;

/** Where in the scanned text a finding is: {@code [start, end)} in UTF-16 chars, as Java strings index. */
public record Span(int start, int end) {

    public Span {
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("bad span [" + start + ", " + end + ")");
        }
    }

    public String of(String text) {
        return text.substring(start, end);
    }
}
