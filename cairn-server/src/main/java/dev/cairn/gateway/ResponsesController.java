package dev.cairn.gateway;

import java.io.IOException;
import java.time.Instant;
import java.util.List;

import dev.cairn.access.Principal;
import dev.cairn.gateway.responses.ResponseObject;
import dev.cairn.gateway.responses.ResponsesRequest;
import dev.cairn.gateway.responses.StoredResponses;
import dev.cairn.platform.Ids;
import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.PlatformProperties;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * OpenAI's Responses API ({@code /v1/responses}) as a translation at the edge: a request becomes a
 * chat completion body that {@link GatewayPipeline} runs like any other (keys, limits, guard,
 * memory, routing, usage, audit), and its answer becomes a response, or a stream of response
 * events. Stored responses ({@code store}, the default) are rows of ids; their content is the
 * request's audit entry, which {@code GET} and {@code previous_response_id} read back.
 */
@RestController
public class ResponsesController {

    private final GatewayPipeline pipeline;
    private final StoredResponses stored;
    private final long maxBodyBytes;

    public ResponsesController(GatewayPipeline pipeline, StoredResponses stored, PlatformProperties platform) {
        this.pipeline = pipeline;
        this.stored = stored;
        this.maxBodyBytes = platform.gateway().maxBodySize().toBytes();
    }

    /**
     * What the request came to before the pipeline runs: the chat body and the response's frame,
     * or the failure, which the pipeline is given as its body's failure so that it is recorded
     * like any bad request.
     */
    private record Prepared(ObjectNode chatBody, ResponseObject frame, boolean store, String thread, Exception failure) {

        byte[] chatBytes() throws IOException {
            if (failure instanceof IOException io) {
                throw io;
            }
            if (failure instanceof RuntimeException runtime) {
                throw runtime;
            }
            return JsonBodies.JSON.writeValueAsBytes(chatBody);
        }
    }

    @PostMapping("/v1/responses")
    void create(HttpServletRequest request, HttpServletResponse response) {
        Principal principal = Principal.of(request);
        CairnHeaders headers = CairnHeaders.read(request::getHeader);
        String id = Ids.newId("resp");
        Prepared prepared = prepare(request, principal, headers, id);
        CairnHeaders threaded = prepared.thread() == null || headers.thread() != null ? headers
                : new CairnHeaders(headers.subject(), prepared.thread(), headers.memory(), headers.restore(), headers.fallbacks(),
                        headers.bestOf(), headers.rewardModel(), headers.documents());
        ResponsesReply reply = new ResponsesReply(response, prepared.frame(), finished -> {
            if (prepared.store()) {
                stored.keep(new StoredResponses.Stored(id, principal.workspace(), principal.keyId(), finished.requestId(),
                        prepared.frame().previousResponseId(), threaded.thread(), prepared.frame().chatBody().path("model").asString(),
                        finished.status(), prepared.frame().createdAt()));
            }
        });
        pipeline.chatCompletion(caller(request, prepared), threaded, prepared::chatBytes, reply);
    }

    @GetMapping(path = "/v1/responses/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    ObjectNode retrieve(@PathVariable String id, HttpServletRequest request) {
        return stored.open(Principal.of(request).workspace(), id, null).response();
    }

    @DeleteMapping(path = "/v1/responses/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    ObjectNode delete(@PathVariable String id, HttpServletRequest request) {
        stored.delete(Principal.of(request).workspace(), id);
        return JsonNodeFactory.instance.objectNode().put("id", id).put("object", "response").put("deleted", true);
    }

    /**
     * Reads and translates the request, with the earlier turns of the conversation it continues. A
     * response that continues one on a memory thread the client named ({@code Cairn-Thread} or
     * {@code metadata.thread_id}) stays on it unless it names another.
     */
    private Prepared prepare(HttpServletRequest request, Principal principal, CairnHeaders headers, String id) {
        try {
            ResponsesRequest ask = ResponsesRequest.of(JsonBodies.parseObject(JsonBodies.read(request, maxBodyBytes)),
                    (item, param) -> stored.item(principal.workspace(), item, param));
            StoredResponses.Opened previous = ask.previousResponseId() == null ? null
                    : stored.open(principal.workspace(), ask.previousResponseId(), "previous_response_id");
            ObjectNode chat = ask.chatBody(previous == null ? List.of() : previous.conversation());
            // Without the audit log there is nowhere to keep a response's content.
            boolean store = ask.store() && stored.available();
            ResponseObject frame = new ResponseObject(id, Instant.now().getEpochSecond(), chat, ask.instructions() != null,
                    ask.previousResponseId(), store);
            // A thread only when the client named one: the chain's turns are already in the prompt, and
            // memory's copy of them would be a second copy an erasure of the log does not reach.
            String thread = headers.thread() != null || chat.path("metadata").has("thread_id") || previous == null ? null
                    : previous.stored().threadId();
            return new Prepared(chat, frame, store, thread, null);
        } catch (IOException | RuntimeException e) {
            return new Prepared(null, null, false, null, e);
        }
    }

    /** The caller, its audit entry saying it came through this API and, once read, which response it is. */
    private static Caller caller(HttpServletRequest request, Prepared prepared) {
        Caller caller = GatewayController.caller(request).through("responses");
        if (prepared.frame() != null) {
            ObjectNode responses = caller.auditData().putObject("responses");
            responses.put("id", prepared.frame().id());
            responses.put("previous_response_id", prepared.frame().previousResponseId());
            responses.put("instructions", prepared.frame().hasInstructions());
            responses.put("store", prepared.store());
        }
        return caller;
    }
}
