package dev.cairn.annotation;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A PATCH of a queue: the fields it names, checked, and nothing else. {@code description} and
 * {@code instructions} set to null clear them; every other field must have a value.
 */
record QueueChange(ObjectNode body, Set<String> fields) {

    static final Set<String> FIELDS = Set.of("name", "description", "instructions", "annotators_per_item", "lease",
            "state", "filter", "questions");
    /** What {@link #read} applies a change to, only to check its fields. */
    private static final AnnotationQueue BLANK = new AnnotationQueue("aq_", "", "", null, null,
            new QueueFilter(null, null, null, null, null), List.of(), 1, QueueFields.DEFAULT_LEASE,
            AnnotationQueue.State.ACTIVE, "", Instant.EPOCH, null);

    /** Checks every field now, so that a bad one is refused before anything changes. */
    static QueueChange read(ObjectNode body) {
        Set<String> fields = new LinkedHashSet<>();
        for (String field : body.propertyNames()) {
            if (!FIELDS.contains(field)) {
                throw AnnotationErrors.invalid(field, "Unknown field '" + field + "'; a PATCH may change "
                        + String.join(", ", FIELDS.stream().sorted().toList()));
            }
            fields.add(field);
        }
        QueueChange change = new QueueChange(body, fields);
        change.applyTo(BLANK, Instant.EPOCH);
        return change;
    }

    /** Whether the change touches what the answers were given to: which interactions, or which questions. */
    boolean changesWhatIsAsked() {
        return fields.contains("filter") || fields.contains("questions");
    }

    boolean changesFilter() {
        return fields.contains("filter");
    }

    AnnotationQueue applyTo(AnnotationQueue queue, Instant now) {
        return new AnnotationQueue(queue.id(), queue.workspace(),
                fields.contains("name") ? QueueFields.name(body.get("name")) : queue.name(),
                fields.contains("description") ? QueueFields.description(body.get("description")) : queue.description(),
                fields.contains("instructions") ? QueueFields.instructions(body.get("instructions")) : queue.instructions(),
                fields.contains("filter") ? QueueFilter.read(body.get("filter")) : queue.filter(),
                fields.contains("questions") ? Question.readAll(body.get("questions")) : queue.questions(),
                fields.contains("annotators_per_item") ? required("annotators_per_item", QueueFields::annotatorsPerItem) : queue.annotatorsPerItem(),
                fields.contains("lease") ? required("lease", QueueFields::lease) : queue.lease(),
                fields.contains("state") ? QueueFields.state(body.get("state")) : queue.state(),
                queue.createdBy(), queue.createdAt(), now);
    }

    /** On create a missing or null value means the default; on PATCH null is refused, since it would change what was not asked. */
    private <T> T required(String field, Function<JsonNode, T> read) {
        if (body.get(field).isNull()) {
            throw AnnotationErrors.invalid(field, "'" + field + "' cannot be null; leave it out to keep it");
        }
        return read.apply(body.get(field));
    }
}
