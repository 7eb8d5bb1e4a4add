package dev.cairn.gateway;

import java.io.IOException;

import dev.cairn.access.Principal;
import dev.cairn.gateway.messages.MessagesReply;
import dev.cairn.gateway.messages.MessagesRequest;
import dev.cairn.gateway.routing.Routing;
import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.PlatformProperties;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.ObjectNode;

/**
 * Anthropic's Messages API in front of every provider Cairn routes to: a request is translated into
 * a chat completion at this edge ({@link MessagesRequest}) and runs the whole {@link GatewayPipeline}
 * as one (keys, limits, guard, memory, routing, usage, audit, with {@code data.api} "messages"); its
 * answer is translated back on the way out ({@link MessagesReply}). Errors on these paths take
 * Anthropic's shape, decided by path in {@code platform.ErrorBodies}.
 */
@RestController
public class MessagesController {

    private final GatewayPipeline pipeline;
    private final TokenEstimate tokens;
    private final Routing routing;
    private final long maxBodyBytes;

    public MessagesController(GatewayPipeline pipeline, TokenEstimate tokens, Routing routing, PlatformProperties platform) {
        this.pipeline = pipeline;
        this.tokens = tokens;
        this.routing = routing;
        this.maxBodyBytes = platform.gateway().maxBodySize().toBytes();
    }

    @PostMapping("/v1/messages")
    void messages(HttpServletRequest request, HttpServletResponse response) {
        MessagesReply reply = new MessagesReply(new ServletReply(response), new NamedSseResponse(response));
        // Translated inside the pipeline's read, so that a request that cannot be is a recorded failure like bad JSON.
        GatewayPipeline.Body body = () -> {
            MessagesRequest asked = MessagesRequest.read(JsonBodies.parseObject(JsonBodies.read(request, maxBodyBytes)));
            reply.asked(asked);
            return JsonBodies.JSON.writeValueAsBytes(asked.chat());
        };
        pipeline.chatCompletion(GatewayController.caller(request).through("messages"), CairnHeaders.read(request::getHeader), body, reply);
    }

    /**
     * The prompt's tokens as Cairn counts them for its rate limits ({@link TokenEstimate}, cl100k_base),
     * over the translated messages, system prompt and tools. Nothing is sent upstream, so the count is
     * Cairn's estimate, not the provider's own tokenizer's. The model is checked as a call would
     * check it (404 unknown, 403 not allowed for the key).
     */
    @PostMapping(path = "/v1/messages/count_tokens", produces = MediaType.APPLICATION_JSON_VALUE)
    ObjectNode countTokens(HttpServletRequest request) throws IOException {
        MessagesRequest asked = MessagesRequest.forCounting(JsonBodies.parseObject(JsonBodies.read(request, maxBodyBytes)));
        ChatRequest chat = ChatRequest.of(asked.chat());
        routing.plan(chat.model(), null, Principal.of(request));
        return JsonBodies.JSON.createObjectNode().put("input_tokens", tokens.prompt(chat));
    }

}
