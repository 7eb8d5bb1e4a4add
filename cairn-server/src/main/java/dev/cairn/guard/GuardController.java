package dev.cairn.guard;

import java.io.IOException;

import dev.cairn.access.Principal;
import dev.cairn.platform.GatewayMetrics;
import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.PlatformProperties;
import dev.cairn.platform.RequestException;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /v1/guard/scan}: the guard on its own, under the caller's workspace policy and
 * without calling a model, so that other services can use it.
 */
@RestController
public class GuardController {

    private final Guard guard;
    private final GatewayMetrics metrics;
    private final long maxBodyBytes;

    public GuardController(Guard guard, GatewayMetrics metrics, PlatformProperties platform) {
        this.guard = guard;
        this.metrics = metrics;
        this.maxBodyBytes = platform.gateway().maxBodySize().toBytes();
    }

    @PostMapping(path = "/v1/guard/scan", produces = MediaType.APPLICATION_JSON_VALUE)
    ObjectNode scan(HttpServletRequest request) throws IOException {
        ObjectNode body = JsonBodies.parseObject(JsonBodies.read(request, maxBodyBytes));
        JsonNode text = body.get("text");
        if (text == null || !text.isString()) {
            throw RequestException.invalid("invalid_type", "text", "'text' is required and must be a string");
        }
        JsonNode directionNode = body.get("direction");
        String direction = directionNode == null || directionNode.isNull() ? "input" : directionNode.isString() ? directionNode.stringValue() : "";
        Scanner.Direction scanned = switch (direction) {
            case "input" -> Scanner.Direction.INPUT;
            case "output" -> Scanner.Direction.OUTPUT;
            default -> throw RequestException.invalid("invalid_value", "direction", "'direction' must be input or output");
        };
        GuardResult result = guard.scan(Principal.of(request).workspace(), text.stringValue(), scanned);
        result.verdicts().forEach(v -> metrics.guardVerdict(direction, v.finding().scanner(), v.finding().category(), v.action().wireName()));
        ObjectNode json = JsonBodies.JSON.createObjectNode();
        json.put("action", result.action().wireName());
        ArrayNode verdicts = json.putArray("verdicts");
        for (Verdict verdict : result.verdicts()) {
            Finding finding = verdict.finding();
            ObjectNode v = verdicts.addObject();
            v.put("scanner", finding.scanner());
            v.put("category", finding.category());
            v.put("score", finding.score());
            v.put("action", verdict.action().wireName());
            v.putObject("span").put("start", finding.span().start()).put("end", finding.span().end());
            if (!finding.evidence().isEmpty()) {
                ArrayNode evidence = v.putArray("evidence");
                finding.evidence().forEach(evidence::add);
            }
        }
        if (result.action() == Action.REDACT) {
            json.put("redacted_text", result.redactedText());
        }
        return json;
    }
}
