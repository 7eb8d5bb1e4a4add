package dev.cairn.platform.jobs;

/**
 * Does the work of one kind of job. Every Spring bean of this type is registered with the
 * {@link JobQueue} under its {@link #kind()}; one kind has one handler.
 *
 * <p>A job runs at least once: when a process dies mid-run, or a run outlives its lease, the job runs
 * again, so a handler must be safe to repeat. Returning means done; throwing means the job is tried
 * again later, with backoff, until its attempts are spent. A handler should end promptly when its
 * thread is interrupted: that happens at shutdown, after which the job is queued again.
 */
public interface JobHandler {

    /** The kind of job this handler runs, such as {@code memory.embed}. */
    String kind();

    /**
     * Whether a job of this kind may run for minutes (a dataset build, a training run). Such kinds get
     * workers of their own ({@code cairn.jobs.long-workers}), so that they never hold up short jobs
     * that users wait on, such as memory's embeddings.
     */
    default boolean isLong() {
        return false;
    }

    void run(Job job) throws Exception;
}
