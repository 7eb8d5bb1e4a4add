package dev.cairn.limits;

import java.util.List;

/** Where buckets are kept: in this process or in Redis. Every call is atomic over all the buckets it names. */
interface BucketStore {

    /**
     * All or nothing: takes every draw when every bucket holds its units, else takes none. Returns
     * each bucket's level afterwards; a request was admitted when no level has to wait.
     */
    List<Level> take(List<Draw> draws);

    /** Adds use without asking (negative amounts give units back): how a request's real token count is settled. */
    void use(List<Draw> draws);

    /** The buckets' levels, taking nothing. */
    List<Level> peek(List<Bucket> buckets);

    /** Whether every level is free of waiting, that is, the take succeeded. */
    static boolean admitted(List<Level> levels) {
        for (Level level : levels) {
            if (level.waitMicros() > 0) {
                return false;
            }
        }
        return true;
    }
}
