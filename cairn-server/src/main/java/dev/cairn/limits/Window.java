package dev.cairn.limits;

import java.util.concurrent.TimeUnit;

/** The period over which a bucket's limit refills, with the abbreviation OpenAI uses for it (RPM, TPD, …). */
enum Window {
    MINUTE("minute", 'M', TimeUnit.MINUTES.toMicros(1)),
    DAY("day", 'D', TimeUnit.DAYS.toMicros(1));

    private final String wireName;
    private final char letter;
    private final long micros;

    Window(String wireName, char letter, long micros) {
        this.wireName = wireName;
        this.letter = letter;
        this.micros = micros;
    }

    String wireName() {
        return wireName;
    }

    long micros() {
        return micros;
    }

    /** {@code RPM}, {@code TPM}, {@code RPD}, {@code TPD}. */
    String abbreviation(Measure measure) {
        return (measure == Measure.REQUESTS ? "R" : "T") + "P" + letter;
    }
}
