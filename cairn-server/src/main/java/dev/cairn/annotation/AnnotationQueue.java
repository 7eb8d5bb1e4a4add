package dev.cairn.annotation;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A queue as stored: what it asks about, what it asks, how many annotators per item, how long a
 * lease, what its annotators are told, and whether it hands out items.
 */
record AnnotationQueue(String id, String workspace, String name, String description, String instructions,
                       QueueFilter filter, List<Question> questions, int annotatorsPerItem, Duration lease,
                       State state, String createdBy, Instant createdAt, Instant updatedAt) {

    /** Active queues hand out items; paused ones hand out none but take submissions of held leases; archived ones neither. */
    enum State {
        ACTIVE, PAUSED, ARCHIVED;

        String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Optional<State> parse(String text) {
            for (State state : values()) {
                if (state.wire().equals(text)) {
                    return Optional.of(state);
                }
            }
            return Optional.empty();
        }
    }
}
