package dev.cairn.audit;

import java.time.Instant;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Something that happened, on its way into the audit log.
 *
 * @param type what kind of event, e.g. {@code gateway.chat.completions}, {@code admin.key.created}
 * @param eventId the event's unique id; for gateway requests the {@code Cairn-Request-Id}
 * @param subject whose personal content this is (the request's {@code user} or {@code Cairn-Subject});
 *                null means the workspace itself
 * @param data what may be read by anyone who may read the log
 * @param personal content about a person, sealed under the subject's key; null when there is none
 * @param compressible whether {@code personal} may be compressed before it is sealed: only when
 *                     every byte of it was written by, or shown to, the one caller whose event it
 *                     is, so that its compressed length can tell no one anything about another
 *                     party's text (docs/audit-format.md); false unless the recorder says so
 */
public record AuditEvent(String type,
                         String eventId,
                         Instant time,
                         String workspace,
                         String keyId,
                         String traceId,
                         String subject,
                         ObjectNode data,
                         JsonNode personal,
                         boolean compressible) {

    /** An event whose personal content, if any, is sealed as it is. */
    public AuditEvent(String type, String eventId, Instant time, String workspace, String keyId, String traceId,
                      String subject, ObjectNode data, JsonNode personal) {
        this(type, eventId, time, workspace, keyId, traceId, subject, data, personal, false);
    }
}
