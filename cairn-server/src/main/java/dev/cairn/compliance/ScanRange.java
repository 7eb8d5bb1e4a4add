package dev.cairn.compliance;

/**
 * The entries a report read: indexes {@code first} to {@code last} inclusive, which hold every entry
 * of the period and, where the log has them, one entry on each side that lies outside it, so a
 * verifier can see that nothing of the period was left out at either end. Empty when the log was.
 */
public record ScanRange(long first, long last) {

    public static final ScanRange EMPTY = new ScanRange(0, -1);

    public boolean isEmpty() {
        return last < first;
    }

    public long count() {
        return isEmpty() ? 0 : last - first + 1;
    }
}
