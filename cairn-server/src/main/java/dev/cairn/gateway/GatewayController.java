package dev.cairn.gateway;

import java.io.IOException;

import dev.cairn.access.Principal;
import dev.cairn.limits.ClientPeer;
import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.PlatformProperties;
import dev.cairn.platform.TraceContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The OpenAI-compatible POST endpoints: the edge where servlet types end. What the pipeline needs of
 * the request (caller, {@code Cairn-*} headers, the body) becomes values here, and its answer goes
 * back through a {@link ServletReply}; all work happens in {@link GatewayPipeline}.
 */
@RestController
public class GatewayController {

    private final GatewayPipeline pipeline;
    private final Comparison comparison;
    private final long maxBodyBytes;

    public GatewayController(GatewayPipeline pipeline, Comparison comparison, PlatformProperties platform) {
        this.pipeline = pipeline;
        this.comparison = comparison;
        this.maxBodyBytes = platform.gateway().maxBodySize().toBytes();
    }

    @PostMapping("/v1/chat/completions")
    void chatCompletions(HttpServletRequest request, HttpServletResponse response) throws IOException {
        CairnHeaders headers = CairnHeaders.read(request::getHeader);
        Comparison.Ask compare = Comparison.Ask.read(request.getHeader(Comparison.HEADER), request.getHeader(Comparison.ANSWER_HEADER));
        if (compare != null) {
            // Both models' calls need the body: read once, here.
            comparison.chatCompletion(caller(request), headers, JsonBodies.read(request, maxBodyBytes), compare, new ServletReply(response));
            return;
        }
        pipeline.chatCompletion(caller(request), headers, body(request), new ServletReply(response));
    }

    @PostMapping("/v1/embeddings")
    void embeddings(HttpServletRequest request, HttpServletResponse response) {
        pipeline.embeddings(caller(request), CairnHeaders.read(request::getHeader), body(request), new ServletReply(response));
    }

    private GatewayPipeline.Body body(HttpServletRequest request) {
        return () -> JsonBodies.read(request, maxBodyBytes);
    }

    /** The caller of a request at any of the gateway's edges: its key's principal, trace and address. */
    static Caller caller(HttpServletRequest request) {
        return Caller.client(Principal.of(request), (TraceContext) request.getAttribute(TraceContext.REQUEST_ATTRIBUTE),
                ClientPeer.of(request));
    }
}
