package dev.cairn.audit;

import java.time.Instant;

/**
 * One audit log entry as stored: its leaf index, the columns it is found by, and its canonical
 * bytes, which are what the tree hashes. {@code blob} is sealed content kept beside an entry too
 * large to carry it, or null.
 */
public record StoredEntry(long index,
                          String eventId,
                          String type,
                          Instant createdAt,
                          String workspace,
                          String keyId,
                          String traceId,
                          String subjectId,
                          byte[] data,
                          byte[] blob) {
}
