package dev.cairn.datasets;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import dev.cairn.audit.SubjectKeys;
import org.springframework.stereotype.Component;

/**
 * Keeps a build from committing content of a subject erased while the build was copying it. A page's
 * content is opened before its rows are committed; an erasure that comes in between destroys the
 * keys and empties committed rows, and would find none of that page's. So a page commits only
 * under this fence, after checking that none of its subjects has been erased, and an erasure
 * empties rows under the same fence: either the page is committed first and the erasure empties
 * it, or the page sees the erasure and is built again, when the content no longer opens.
 * Within one process; several Cairn processes building on one database are not fenced from each other.
 */
@Component
class ErasureFence {

    private final ReentrantLock lock = new ReentrantLock();
    private final SubjectKeys keys;

    ErasureFence(SubjectKeys keys) {
        this.keys = keys;
    }

    <T> T erasing(Supplier<T> erase) {
        lock.lock();
        try {
            return erase.get();
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code commit} unless one of {@code subjects} was erased since the page was read; then throws. */
    void commitPage(String datasetId, Collection<String> subjects, Runnable commit) {
        lock.lock();
        try {
            Set<String> erased = keys.erasedAmong(subjects);
            if (!erased.isEmpty()) {
                // The build job tries again and resumes from its last committed page, which it reads anew.
                throw new IllegalStateException("a subject of dataset " + datasetId + "'s next page was erased while the page "
                        + "was read; the page is read again");
            }
            commit.run();
        } finally {
            lock.unlock();
        }
    }
}
