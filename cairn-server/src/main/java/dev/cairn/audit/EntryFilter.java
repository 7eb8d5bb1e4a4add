package dev.cairn.audit;

import java.time.Instant;

/** What {@code GET /v1/audit/entries} may filter by; null means any. */
public record EntryFilter(Instant from, Instant to, String type, String workspace, String keyId, String traceId) {
}
