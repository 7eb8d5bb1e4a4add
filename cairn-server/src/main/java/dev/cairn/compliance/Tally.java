package dev.cairn.compliance;

import java.util.List;

/**
 * Works out the log figures of one report section from the entries of its scope, one entry at a
 * time, so that a report over millions of entries needs memory for its figures only. The server
 * and {@code cairn verify --report} run the same tallies over the same entries, which is what
 * makes a figure recomputable.
 */
interface Tally {

    /** An entry of the report's scope, in log order. */
    void accept(LoggedEntry entry);

    /**
     * An entry read for context before the scope's entries: the configuration in force when the
     * period began, the log's first entry. Most tallies need none.
     */
    default void context(LoggedEntry entry) {
    }

    /** The figures worked out from the entries seen. */
    List<Figure> figures(ScanRange range);
}
