package dev.cairn.gateway;

import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.PlatformProperties;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * OpenAI's legacy text completions ({@code POST /v1/completions}) for clients that still use them,
 * served by chat models: the request and its answer are translated here, at the edge
 * ({@link CompletionsReply}), and the call runs the whole chat pipeline, so keys, limits, guards,
 * memory, routing, usage and the audit entry (its {@code data.api} {@code "completions"}) all apply.
 */
@RestController
public class CompletionsController {

    private final GatewayPipeline pipeline;
    private final long maxBodyBytes;

    public CompletionsController(GatewayPipeline pipeline, PlatformProperties platform) {
        this.pipeline = pipeline;
        this.maxBodyBytes = platform.gateway().maxBodySize().toBytes();
    }

    @PostMapping("/v1/completions")
    void completions(HttpServletRequest request, HttpServletResponse response) {
        CompletionsReply reply = new CompletionsReply(new ServletReply(response));
        Caller caller = GatewayController.caller(request).through("completions");
        pipeline.chatCompletion(caller, CairnHeaders.read(request::getHeader),
                () -> reply.chatBody(JsonBodies.read(request, maxBodyBytes)), reply);
    }
}
