package dev.cairn.gateway;

import dev.cairn.access.Principal;
import dev.cairn.limits.ClientPeer;
import dev.cairn.platform.TraceContext;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Who makes one gateway call: the key's principal, the trace it belongs to and where it came from.
 * A call Cairn makes itself (fact extraction) names its audit entry's type and adds what the entry
 * should say of its purpose; a client's call leaves both null.
 */
public record Caller(Principal principal, TraceContext trace, ClientPeer peer, String auditType, ObjectNode auditData) {

    public static Caller client(Principal principal, TraceContext trace, ClientPeer peer) {
        return new Caller(principal, trace, peer, null, null);
    }

    /**
     * The same caller, come through another API than chat completions ({@code responses},
     * {@code messages}, {@code completions}): its audit entry says which, in {@code data.api}.
     */
    public Caller through(String api) {
        ObjectNode data = auditData == null ? JsonNodeFactory.instance.objectNode() : auditData.deepCopy();
        data.put("api", api);
        return new Caller(principal, trace, peer, auditType, data);
    }

    /** The API the call came through ({@link #through}); null for chat completions. */
    public String api() {
        return auditData == null || !auditData.hasNonNull("api") ? null : auditData.get("api").asString();
    }
}
