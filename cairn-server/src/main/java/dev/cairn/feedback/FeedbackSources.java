package dev.cairn.feedback;

import java.util.List;

import org.springframework.stereotype.Component;

/**
 * Where the feedback about a request is in the log, for features that gather it again (datasets):
 * the feedback itself is read from those entries, which are the record, not from this index.
 */
@Component
public class FeedbackSources {

    private final FeedbackRepository repository;

    FeedbackSources(FeedbackRepository repository) {
        this.repository = repository;
    }

    /** The log indexes of the feedback naming {@code requestId} (either side of a preference), oldest first. */
    public List<Long> logIndexes(String workspace, String requestId) {
        return repository.about(workspace, requestId).stream().map(FeedbackRepository.Row::logIndex).toList();
    }
}
