package dev.cairn.platform.jobs;

import java.time.Duration;
import java.util.List;

import javax.sql.DataSource;

import dev.cairn.platform.Dialect;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Job queues for tests outside this package that need a real queue to write to but not its work
 * done: the queue stores what is enqueued, in the caller's transaction, and is never started, so
 * its jobs stay in the table.
 */
public final class TestJobQueues {

    private TestJobQueues() {
    }

    /** A queue on {@code source} that knows {@code handlers}' kinds and runs none of them. */
    public static JobQueue idle(DataSource source, JobHandler... handlers) {
        JobsProperties config = new JobsProperties(0, 0, Duration.ofMillis(250), Duration.ofSeconds(1),
                Duration.ofMinutes(5), 8, Duration.ofMinutes(5), Duration.ofSeconds(15), true);
        return new JobQueue(new JobRepository(new JdbcTemplate(source), Dialect.of(source)),
                new TransactionTemplate(new DataSourceTransactionManager(source)), List.of(handlers), config);
    }
}
