package dev.cairn.compliance;

import java.util.ArrayList;
import java.util.List;


/** GDPR Art. 15: every entry recorded about one data subject. The opened content is the server's to add. */
final class SubjectAccessTally implements Tally {

    private final Counts types = new Counts();
    private final List<Long> entries = new ArrayList<>();

    @Override
    public void accept(LoggedEntry entry) {
        types.add(entry.type());
        entries.add(entry.index());
    }

    List<Long> entries() {
        return List.copyOf(entries);
    }

    @Override
    public List<Figure> figures(ScanRange range) {
        return List.of(
                Figure.ofRange("art15.entries", "Entries recorded about the subject", IndexList.of(entries), range.first(), range.last()),
                Figure.ofRange("art15.by_type", "Those entries by type", types.toJson(), range.first(), range.last()));
    }
}
