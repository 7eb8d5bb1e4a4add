package dev.cairn.compliance;

import java.util.List;

/**
 * Works out the log figures of one report section from the entries of its scope, one entry at a
 * time, so that a report over millions of entries holds its figures (and the sets of distinct
 * subjects and guarded requests they count), never the entries. The server and
 * {@code cairn verify --report} run the same tallies over the same entries, which is what makes a
 * figure recomputable.
 */
interface Tally {

    /** An entry of the report's scope, in log order. */
    void accept(LoggedEntry entry);

    /** The log's first entry, its oldest. Most tallies need none. */
    default void oldest(LoggedEntry entry) {
    }

    /**
     * A configuration ({@code admin.config.changed}) the period ran under: the one in force when the
     * range began, and each recorded in the range before the period's end. Most tallies need none.
     */
    default void configuration(LoggedEntry entry) {
    }

    /** The figures worked out from the entries seen. */
    List<Figure> figures(ScanRange range);
}
