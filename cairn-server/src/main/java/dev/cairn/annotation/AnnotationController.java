package dev.cairn.annotation;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.cairn.access.AccessException;
import dev.cairn.access.Principal;
import dev.cairn.access.Role;
import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.PlatformProperties;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /v1/annotation/queues}: user and admin keys create queues in their workspace and read their
 * progress and agreement; annotator keys (and any better key) claim items, submit answers and read
 * their own progress. A queue of another workspace does not exist for the caller.
 */
@RestController
@RequestMapping(path = "/v1/annotation/queues", produces = MediaType.APPLICATION_JSON_VALUE)
public class AnnotationController {

    private static final Set<String> FIELDS = Set.of("name", "filter", "questions", "annotators_per_item", "lease");
    private static final Pattern DURATION = Pattern.compile("([0-9]{1,6})(s|m|h)");
    private static final Duration MIN_LEASE = Duration.ofSeconds(1);
    private static final Duration MAX_LEASE = Duration.ofHours(24);
    private static final int MAX_ANNOTATORS_PER_ITEM = 100;

    private final AnnotationService service;
    private final long maxBodyBytes;

    public AnnotationController(AnnotationService service, PlatformProperties platform) {
        this.service = service;
        this.maxBodyBytes = platform.gateway().maxBodySize().toBytes();
    }

    @PostMapping
    ResponseEntity<ObjectNode> create(HttpServletRequest http) throws IOException {
        Principal principal = requireUser(http);
        ObjectNode body = JsonBodies.parseObject(JsonBodies.read(http, maxBodyBytes));
        for (String field : body.propertyNames()) {
            if (!FIELDS.contains(field)) {
                throw AnnotationErrors.invalid(field, "Unknown field '" + field + "'");
            }
        }
        JsonNode name = body.get("name");
        if (name == null || !name.isString() || name.asString().isBlank() || name.asString().length() > 200) {
            throw AnnotationErrors.invalid("name", "'name' must be a string of 1 to 200 characters");
        }
        AnnotationQueue queue = service.create(principal, name.asString(), QueueFilter.read(body.get("filter")),
                Question.readAll(body.get("questions")), annotatorsPerItem(body.get("annotators_per_item")), lease(body.get("lease")));
        return ResponseEntity.status(HttpStatus.CREATED).body(describe(queue, null));
    }

    @GetMapping("/{id}")
    ObjectNode get(@PathVariable String id, HttpServletRequest http) {
        Principal principal = Principal.of(http);
        AnnotationQueue queue = queue(principal, id);
        return describe(queue, principal.has(Role.USER) ? null : principal.keyId());
    }

    @PostMapping("/{id}/claim")
    ResponseEntity<ObjectNode> claim(@PathVariable String id, HttpServletRequest http) {
        Principal principal = Principal.of(http);
        AnnotationQueue queue = queue(principal, id);
        return service.claim(principal, queue).map(handed -> {
            ObjectNode json = JsonBodies.JSON.createObjectNode();
            json.put("object", "annotation.item");
            json.put("queue_id", queue.id());
            json.put("item", handed.lease().item());
            json.put("request_id", handed.lease().requestId());
            json.put("lease_expires_at", handed.lease().until().toString());
            ArrayNode questions = json.putArray("questions");
            queue.questions().forEach(q -> withScale(principal, q, q.toJson(questions.addObject())));
            json.setAll((ObjectNode) handed.content());
            return ResponseEntity.ok(json);
        }).orElseGet(() -> ResponseEntity.noContent().build());
    }

    @PostMapping("/{id}/items/{item}/submit")
    ObjectNode submit(@PathVariable String id, @PathVariable String item, HttpServletRequest http) throws IOException {
        Principal principal = Principal.of(http);
        AnnotationQueue queue = queue(principal, id);
        long number;
        try {
            number = Long.parseLong(item);
        } catch (NumberFormatException e) {
            throw AnnotationErrors.invalid("item", "'item' must be an item number");
        }
        ObjectNode body = JsonBodies.parseObject(JsonBodies.read(http, maxBodyBytes));
        if (body.size() != 1 || !body.has("answers")) {
            throw AnnotationErrors.invalid("answers", "A submission is {\"answers\":{…}} and nothing else");
        }
        List<Long> indexes = service.submit(principal, queue, number, body.get("answers"));
        ObjectNode json = JsonBodies.JSON.createObjectNode();
        json.put("object", "annotation.submission");
        json.put("queue_id", queue.id());
        json.put("item", number);
        ArrayNode logIndexes = json.putArray("feedback_log_indexes");
        indexes.forEach(logIndexes::add);
        return json;
    }

    @GetMapping("/{id}/agreement")
    ObjectNode agreement(@PathVariable String id, HttpServletRequest http) {
        Principal principal = requireUser(http);
        AnnotationQueue queue = queue(principal, id);
        ObjectNode json = JsonBodies.JSON.createObjectNode();
        json.put("object", "annotation.agreement");
        json.put("queue_id", queue.id());
        ArrayNode data = json.putArray("data");
        for (Map.Entry<Question, OptionalDouble> entry : service.agreement(queue).entrySet()) {
            ObjectNode row = data.addObject();
            row.put("question", entry.getKey().name());
            row.put("level", entry.getKey().type() == Question.Type.RATING ? "interval" : "nominal");
            if (entry.getValue().isPresent()) {
                row.put("alpha", entry.getValue().getAsDouble());
            } else {
                row.putNull("alpha");
            }
        }
        return json;
    }

    /** The queue and its progress; for an annotator, only its own part of the progress. */
    private ObjectNode describe(AnnotationQueue queue, String onlyAnnotator) {
        ObjectNode json = JsonBodies.JSON.createObjectNode();
        json.put("id", queue.id());
        json.put("object", "annotation.queue");
        json.put("name", queue.name());
        ArrayNode questions = json.putArray("questions");
        queue.questions().forEach(q -> q.toJson(questions.addObject()));
        if (onlyAnnotator == null) {
            queue.filter().toJson(json.putObject("filter"));
            json.put("annotators_per_item", queue.annotatorsPerItem());
            json.put("lease", queue.lease().toSeconds() + "s");
            json.put("created_at", queue.createdAt().toString());
        }
        ObjectNode progress = json.putObject("progress");
        progress.put("items", service.items(queue));
        if (onlyAnnotator == null) {
            progress.put("items_done", service.itemsDone(queue));
        }
        ArrayNode annotators = progress.putArray("annotators");
        for (AnnotationRepository.AnnotatorProgress p : service.progress(queue, onlyAnnotator)) {
            annotators.addObject().put("key_id", p.annotator()).put("submitted", p.done()).put("leased", p.leased());
        }
        return json;
    }

    /**
     * Adds what an answer to a question with a metric may be, so that a client (the annotator page)
     * can offer exactly those values: a rating's {@code min} and {@code max}, a choice's {@code values}.
     */
    private void withScale(Principal principal, Question question, ObjectNode json) {
        service.metric(principal, question).ifPresent(metric -> {
            switch (metric.type()) {
                case FLOAT -> {
                    if (metric.min() != null) {
                        json.put("min", metric.min());
                    }
                    if (metric.max() != null) {
                        json.put("max", metric.max());
                    }
                }
                case BOOLEAN -> json.putArray("values").add(true).add(false);
                case CATEGORICAL -> metric.categories().forEach(json.withArray("values")::add);
            }
        });
    }

    private AnnotationQueue queue(Principal principal, String id) {
        return service.find(principal, id).orElseThrow(() -> AnnotationErrors.queueNotFound(id));
    }

    private static Principal requireUser(HttpServletRequest http) {
        Principal principal = Principal.of(http);
        if (!principal.has(Role.USER)) {
            throw AccessException.roleRequired(Role.USER);
        }
        return principal;
    }

    private static int annotatorsPerItem(JsonNode node) {
        if (node == null || node.isNull()) {
            return 1;
        }
        if (!node.isIntegralNumber() || node.asInt() < 1 || node.asInt() > MAX_ANNOTATORS_PER_ITEM) {
            throw AnnotationErrors.invalid("annotators_per_item", "'annotators_per_item' must be a whole number from 1 to "
                    + MAX_ANNOTATORS_PER_ITEM);
        }
        return node.asInt();
    }

    private static Duration lease(JsonNode node) {
        if (node == null || node.isNull()) {
            return Duration.ofMinutes(10);
        }
        Matcher m = node.isString() ? DURATION.matcher(node.asString()) : null;
        if (m == null || !m.matches()) {
            throw AnnotationErrors.invalid("lease", "'lease' must be a duration such as \"90s\", \"10m\" or \"1h\"");
        }
        long amount = Long.parseLong(m.group(1));
        Duration lease = switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
        };
        if (lease.compareTo(MIN_LEASE) < 0 || lease.compareTo(MAX_LEASE) > 0) {
            throw AnnotationErrors.invalid("lease", "'lease' must be from 1s to 24h");
        }
        return lease;
    }
}
