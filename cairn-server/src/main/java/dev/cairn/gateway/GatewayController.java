package dev.cairn.gateway;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** The OpenAI-compatible POST endpoints; all work happens in {@link GatewayPipeline}. */
@RestController
public class GatewayController {

    private final GatewayPipeline pipeline;

    public GatewayController(GatewayPipeline pipeline) {
        this.pipeline = pipeline;
    }

    @PostMapping("/v1/chat/completions")
    void chatCompletions(HttpServletRequest request, HttpServletResponse response) throws IOException {
        pipeline.chatCompletion(request, response);
    }

    @PostMapping("/v1/embeddings")
    void embeddings(HttpServletRequest request, HttpServletResponse response) throws IOException {
        pipeline.embeddings(request, response);
    }
}
