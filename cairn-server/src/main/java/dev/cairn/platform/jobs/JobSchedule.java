package dev.cairn.platform.jobs;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.function.Function;
import java.util.regex.Pattern;

import dev.cairn.platform.InvalidConfigurationException;
import dev.cairn.platform.Settings;
import org.springframework.scheduling.support.CronExpression;

/**
 * A job to queue at every fire time of a cron expression: a feature declares one as a Spring bean,
 * and the {@link JobScheduler} queues a job of {@code kind} in {@code workspace} (null: none) once per
 * fire time, whatever the number of Cairn processes on the database. {@code cron} is a six-field
 * Spring cron expression (second minute hour day-of-month month day-of-week) read in UTC;
 * {@code payload} makes the job's JSON payload from the fire time, so that a monthly report can name
 * the month that has just ended. {@code name} tells the schedule's runs apart in the database and on
 * {@code /admin/jobs}, so it must stay the same across releases.
 */
public record JobSchedule(String name, CronExpression cron, String kind, String workspace,
                          Function<Instant, String> payload) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final String CRON_FORMAT = "six fields (second minute hour day-of-month month day-of-week, in UTC),"
            + " such as '0 0 3 1 * *' for 03:00 on the 1st of each month";

    public JobSchedule {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("A job schedule's name is 1 to 100 letters, digits, '.', '_' or '-', not '" + name + "'");
        }
        if (cron == null) {
            throw new IllegalArgumentException("Job schedule " + name + " has no cron expression");
        }
        if (kind == null || kind.isBlank()) {
            throw new IllegalArgumentException("Job schedule " + name + " has no job kind");
        }
        if (payload == null) {
            throw new IllegalArgumentException("Job schedule " + name + " has no payload function");
        }
    }

    /**
     * Reads the cron expression of setting {@code key}, refusing one that does not parse or never
     * fires (the 30th of February) with an {@link InvalidConfigurationException} naming the key, so
     * that a bad schedule stops the start instead of never running.
     */
    public static CronExpression cron(String key, String expression) {
        if (expression == null || expression.isBlank()) {
            throw Settings.invalid(key, "must be a cron expression of " + CRON_FORMAT + ", not empty");
        }
        CronExpression cron;
        try {
            cron = CronExpression.parse(expression.strip());
        } catch (IllegalArgumentException e) {
            // The parser's reason is all there is to say; its stack trace would only bury it.
            throw Settings.invalid(key, "must be a cron expression of " + CRON_FORMAT + ", not '" + expression + "': "
                    + e.getMessage());
        }
        if (cron.next(ZonedDateTime.now(ZoneOffset.UTC)) == null) {
            throw Settings.invalid(key, "'" + expression + "' never fires");
        }
        return cron;
    }
}
