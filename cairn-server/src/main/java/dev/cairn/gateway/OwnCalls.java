package dev.cairn.gateway;

import java.util.List;

import dev.cairn.access.Principal;
import dev.cairn.access.Role;
import dev.cairn.gateway.routing.Routing;
import dev.cairn.limits.ClientPeer;
import dev.cairn.memory.OwnModelCalls;
import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.TraceContext;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Cairn's own model calls, through the same pipeline as a client's: a chat completion in the
 * workspace it serves, by a caller that names Cairn, whose answer is kept in memory instead of sent.
 */
@Component
class OwnCalls implements OwnModelCalls {

    /** The key id Cairn's own calls carry in the usage ledger, the limits and the audit log. */
    static final String KEY_ID = "cairn";
    /** They come from no network address; an address limit counts them under this name. */
    private static final ClientPeer NO_PEER = new ClientPeer("cairn", List.of());

    private final Routing routing;
    private final GatewayPipeline pipeline;

    OwnCalls(Routing routing, GatewayPipeline pipeline) {
        this.routing = routing;
        this.pipeline = pipeline;
    }

    @Override
    public boolean routes(String model) {
        return routing.table().group(model) != null;
    }

    @Override
    public String complete(Call call) {
        ObjectNode request = JsonBodies.JSON.createObjectNode();
        request.put("model", call.model());
        ArrayNode messages = request.putArray("messages");
        messages.addObject().put("role", "system").put("content", call.instructions());
        // Cairn's own words, so instructions rather than a user's message: the input guard leaves
        // a caller's instructions alone, and a prompt that quotes turns as "user: ..." would read to
        // it as a forged conversation. The turns it quotes were screened when they were said.
        messages.addObject().put("role", "system").put("content", call.prompt());
        request.put("temperature", 0);
        request.putObject("response_format").put("type", "json_object");
        Caller caller = new Caller(new Principal(KEY_ID, call.workspace(), Role.USER, List.of()), TraceContext.from(null),
                NO_PEER, call.auditType(), call.auditData());
        byte[] body = JsonBodies.JSON.writeValueAsBytes(request);
        // A failed call throws from here, as the edge would have answered a client.
        Trail trail = pipeline.chatCompletion(caller, CairnHeaders.NONE, () -> body, new KeptReply());
        return GatewayPipeline.answerText(trail);
    }
}
