package dev.cairn.limits;

/**
 * One token bucket: {@code limit} units that refill evenly over one {@code window}, so a full bucket
 * allows a burst of {@code limit} and then {@code limit} per window. {@code id} names it wherever it
 * is kept (a map key in this process, a Redis key after the prefix); {@code subject} says whose it is.
 */
record Bucket(String id, Dimension dimension, String subject, Measure measure, Window window, long limit) {

    /** Microseconds per unit: one unit comes back after this long. */
    double interval() {
        return (double) window.micros() / limit;
    }

    /** For messages: {@code requests per minute (RPM) of key key_01J…}. */
    String describe() {
        return measure.wireName() + " per " + window.wireName() + " (" + window.abbreviation(measure) + ") of "
                + dimension.wireName() + " " + subject;
    }
}
