package dev.cairn.memory.ingest;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the timestamps that ingested content carries: ISO-8601 in transcript fields, and the ISO-8601
 * or syslog stamps that start log records. A time without an offset is read as UTC, the zone Cairn
 * keeps all its times in.
 */
final class Timestamps {

    // Date, then optionally time with seconds, fraction (dot or comma, as log4j and Python write it)
    // and offset. A space may stand for the T, and a log may write the date with slashes.
    private static final String DATE_TIME = "(\\d{4})([-/])(\\d{2})\\2(\\d{2})"
            + "(?:[T ](\\d{2}):(\\d{2})(?::(\\d{2})(?:[.,](\\d{1,9}))?)?[ ]?(Z|[+-]\\d{2}(?::?\\d{2})?)?)?";

    private static final Pattern WHOLE = Pattern.compile(DATE_TIME, Pattern.CASE_INSENSITIVE);

    /** An ISO-8601 stamp at the start of a log line, perhaps in brackets or after an RFC 5424 priority. */
    private static final Pattern LOG_ISO = Pattern.compile("^(?:<\\d{1,3}>\\d{0,2} ?)?\\[?" + DATE_TIME);

    /** The RFC 3164 syslog stamp, {@code Jan  5 10:23:45}: it starts a record but has no year, so no instant. */
    private static final Pattern LOG_SYSLOG = Pattern.compile(
            "^(?:<\\d{1,3}>)?(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \\d]\\d \\d{2}:\\d{2}:\\d{2}\\b");

    private Timestamps() {
    }

    /** The instant {@code value} names, or null when it is not an ISO-8601 date or date-time. */
    static Instant parse(String value) {
        Matcher m = WHOLE.matcher(value.strip());
        return m.matches() && m.group(2).equals("-") ? instant(m) : null;
    }

    /** Whether the log line starts a new record: it begins with an ISO-8601 date-time or a syslog stamp. */
    static boolean startsLogRecord(String line) {
        Matcher iso = LOG_ISO.matcher(line);
        return iso.lookingAt() && iso.group(5) != null || LOG_SYSLOG.matcher(line).lookingAt();
    }

    /** The instant at the start of a log line, or null when it has none or only a syslog stamp. */
    static Instant ofLogLine(String line) {
        Matcher iso = LOG_ISO.matcher(line);
        return iso.lookingAt() && iso.group(5) != null ? instant(iso) : null;
    }

    private static Instant instant(Matcher m) {
        try {
            LocalDate date = LocalDate.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(3)),
                    Integer.parseInt(m.group(4)));
            if (m.group(5) == null) {
                return date.atStartOfDay().toInstant(ZoneOffset.UTC);
            }
            String fraction = m.group(8) == null ? "" : m.group(8);
            LocalTime time = LocalTime.of(Integer.parseInt(m.group(5)), Integer.parseInt(m.group(6)),
                    m.group(7) == null ? 0 : Integer.parseInt(m.group(7)),
                    fraction.isEmpty() ? 0 : Integer.parseInt((fraction + "00000000").substring(0, 9)));
            ZoneOffset offset = m.group(9) == null || m.group(9).equalsIgnoreCase("Z") ? ZoneOffset.UTC : offset(m.group(9));
            return LocalDateTime.of(date, time).toInstant(offset);
        } catch (DateTimeException e) {
            return null; // shaped like a date but not one, such as month 13
        }
    }

    private static ZoneOffset offset(String value) {
        String digits = value.replace(":", "");
        return ZoneOffset.ofHoursMinutes(Integer.parseInt(digits.substring(0, 3)),
                digits.length() > 3 ? Integer.parseInt(digits.charAt(0) + digits.substring(3)) : 0);
    }
}
