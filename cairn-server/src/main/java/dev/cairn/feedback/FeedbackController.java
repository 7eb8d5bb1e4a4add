package dev.cairn.feedback;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.cairn.access.Principal;
import dev.cairn.audit.SealedContent;
import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.PlatformProperties;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /v1/feedback}: feedback on the caller's logged requests, one item or a batch
 * ({@code {"feedback":[…]}}), each recorded as an audit entry; and reading it back by request id.
 * With an {@code Idempotency-Key}, a replay gets the first response's bytes and records nothing.
 */
@RestController
@RequestMapping(path = "/v1/feedback", produces = MediaType.APPLICATION_JSON_VALUE)
public class FeedbackController {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    static final int MAX_BATCH = 1000;
    private static final int MAX_IDEMPOTENCY_KEY_CHARS = 255;

    private final FeedbackService service;
    private final FeedbackRepository repository;
    private final FeedbackIndexWriter index;
    private final long maxBodyBytes;

    FeedbackController(FeedbackService service, FeedbackRepository repository, FeedbackIndexWriter index,
                       PlatformProperties platform) {
        this.service = service;
        this.repository = repository;
        this.index = index;
        this.maxBodyBytes = platform.gateway().maxBodySize().toBytes();
    }

    @PostMapping
    ResponseEntity<byte[]> post(HttpServletRequest http) throws IOException {
        Principal principal = Principal.of(http);
        String key = idempotencyKey(http.getHeader(IDEMPOTENCY_KEY));
        byte[] body = JsonBodies.read(http, maxBodyBytes);
        List<FeedbackItem> items = items(JsonBodies.parseObject(body));
        if (key == null) {
            return json(record(principal, items, null));
        }
        String digest = SealedContent.sha256Hex(body);
        if (!repository.claim(principal.workspace(), key, digest, Instant.now())) {
            return json(replay(principal.workspace(), key, digest));
        }
        try {
            return json(record(principal, items, key));
        } catch (RuntimeException e) {
            repository.release(principal.workspace(), key);
            throw e;
        }
    }

    @GetMapping
    ObjectNode get(@RequestParam(name = "request_id", required = false) String requestId, HttpServletRequest http) {
        Principal principal = Principal.of(http);
        if (requestId == null || requestId.isBlank()) {
            throw FeedbackException.invalid("missing_required_parameter", "request_id", "'request_id' is required");
        }
        ObjectNode json = JsonBodies.JSON.createObjectNode();
        json.put("object", "list");
        ArrayNode data = json.putArray("data");
        service.about(principal, requestId).forEach(data::add);
        return json;
    }

    private byte[] record(Principal principal, List<FeedbackItem> items, String key) {
        List<FeedbackRepository.Row> rows = service.prepareAndAppend(principal, items);
        ObjectNode json = JsonBodies.JSON.createObjectNode();
        json.put("object", "list");
        ArrayNode data = json.putArray("data");
        for (FeedbackRepository.Row row : rows) {
            ObjectNode item = data.addObject();
            item.put("id", row.id());
            item.put("object", "feedback");
            item.put("request_id", row.requestId());
            item.put("kind", row.kind());
            item.put("interaction_index", row.interactionIndex());
            item.put("log_index", row.logIndex());
        }
        byte[] response = JsonBodies.JSON.writeValueAsBytes(json);
        index.record(new FeedbackRepository.Recorded(rows, principal.workspace(), key,
                key == null ? null : new String(response, StandardCharsets.UTF_8)));
        return response;
    }

    private byte[] replay(String workspace, String key, String digest) {
        FeedbackRepository.Claim claim = repository.claimed(workspace, key)
                .orElseThrow(FeedbackException::idempotencyKeyInFlight);
        if (!claim.bodySha256().equals(digest)) {
            throw FeedbackException.idempotencyKeyReused();
        }
        if (claim.response() == null) {
            throw FeedbackException.idempotencyKeyInFlight();
        }
        return claim.response().getBytes(StandardCharsets.UTF_8);
    }

    /** The items of a body: one object, or {@code {"feedback":[…]}} with their paths for errors. */
    private static List<FeedbackItem> items(ObjectNode body) {
        JsonNode batch = body.get("feedback");
        if (batch == null) {
            return List.of(FeedbackItem.read(body, ""));
        }
        if (body.size() != 1) {
            throw FeedbackException.invalid("unknown_parameter", null,
                    "A batch is {\"feedback\":[…]} and nothing else beside it");
        }
        if (!batch.isArray() || batch.isEmpty() || batch.size() > MAX_BATCH) {
            throw FeedbackException.invalid("invalid_type", "feedback",
                    "'feedback' must be an array of 1 to " + MAX_BATCH + " feedback items");
        }
        List<FeedbackItem> items = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            items.add(FeedbackItem.read(batch.get(i), "feedback[" + i + "]"));
        }
        return items;
    }

    private static String idempotencyKey(String header) {
        if (header == null) {
            return null;
        }
        if (header.isBlank() || header.length() > MAX_IDEMPOTENCY_KEY_CHARS
                || !header.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
            throw FeedbackException.invalid("invalid_value", IDEMPOTENCY_KEY,
                    "'Idempotency-Key' must be 1 to " + MAX_IDEMPOTENCY_KEY_CHARS + " visible ASCII characters");
        }
        return header;
    }

    private static ResponseEntity<byte[]> json(byte[] body) {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(body);
    }
}
