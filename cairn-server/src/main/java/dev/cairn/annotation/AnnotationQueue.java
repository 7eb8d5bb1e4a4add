package dev.cairn.annotation;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** A queue as stored: what it asks about, what it asks, how many annotators per item, how long a lease. */
record AnnotationQueue(String id, String workspace, String name, QueueFilter filter, List<Question> questions,
                       int annotatorsPerItem, Duration lease, String createdBy, Instant createdAt) {
}
