package dev.cairn.audit;

import java.time.Instant;

import dev.cairn.platform.AdminAction;
import dev.cairn.platform.Ids;
import dev.cairn.platform.JsonBodies;
import org.slf4j.MDC;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ObjectNode;

/** Records every {@link AdminAction} in the audit log, on the thread that made the change, with its trace id. */
@Component
public class AdminActionRecorder {

    private final AuditLog auditLog;

    public AdminActionRecorder(AuditLog auditLog) {
        this.auditLog = auditLog;
    }

    @EventListener
    public void on(AdminAction action) {
        ObjectNode data = JsonBodies.JSON.valueToTree(action.details());
        auditLog.record(new AuditEvent(action.type(), Ids.newId("evt"), Instant.now(), action.workspace(),
                action.actorKeyId(), MDC.get("trace_id"), null, data, null));
    }
}
