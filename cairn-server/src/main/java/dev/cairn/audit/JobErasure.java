package dev.cairn.audit;

import java.util.List;

import dev.cairn.platform.jobs.JobQueue;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Takes an erased subject out of the background job queue: jobs queued for its content (memory
 * embedding and fact extraction of its items) are deleted, and the payloads and last errors of its
 * jobs that ran are overwritten, since an error may quote what the job read. The platform's queue
 * cannot know the audit log, so the log's erasure reaches it from here.
 */
@Component
class JobErasure implements ErasureParticipant {

    private final ObjectProvider<JobQueue> jobs;

    /** The queue comes lazily: its handlers (compliance reports) reach back to the erasure participants. */
    JobErasure(ObjectProvider<JobQueue> jobs) {
        this.jobs = jobs;
    }

    @Override
    public String name() {
        return "jobs";
    }

    @Override
    public List<Holding> erase(Erasure erasure) {
        JobQueue.Erased erased = jobs.getObject().eraseSubject(erasure.workspace(), erasure.subjectId(), erasure.index());
        return List.of(new Holding("queued", erased.deleted(), "deleted"),
                new Holding("ran", erased.scrubbed(), "payload and last error overwritten"));
    }

    @Override
    public List<String> tables() {
        return List.of("jobs");
    }
}
