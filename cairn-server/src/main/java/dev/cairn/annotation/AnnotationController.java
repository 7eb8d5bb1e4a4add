package dev.cairn.annotation;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.regex.Pattern;

import dev.cairn.access.AccessException;
import dev.cairn.access.Principal;
import dev.cairn.access.Role;
import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.PageLimit;
import dev.cairn.platform.PlatformProperties;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /v1/annotation/queues}: user and admin keys create, list, change and archive queues in
 * their workspace and read their progress and agreement; annotator keys (and any better key) claim
 * items, submit answers and read their own progress. A queue of another workspace does not exist for the caller.
 */
@RestController
@RequestMapping(path = "/v1/annotation/queues", produces = MediaType.APPLICATION_JSON_VALUE)
public class AnnotationController {

    private static final Set<String> FIELDS = Set.of("name", "description", "instructions", "filter", "questions",
            "annotators_per_item", "lease");
    private static final Pattern QUEUE_ID = Pattern.compile("aq_[0-9A-HJKMNP-TV-Z]{26}");
    private static final int DEFAULT_PAGE = 20;
    private static final int MAX_PAGE = 100;

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
        AnnotationQueue queue = service.create(principal, QueueFields.name(body.get("name")),
                QueueFields.description(body.get("description")), QueueFields.instructions(body.get("instructions")),
                QueueFilter.read(body.get("filter")), Question.readAll(body.get("questions")),
                QueueFields.annotatorsPerItem(body.get("annotators_per_item")), QueueFields.lease(body.get("lease")));
        return ResponseEntity.status(HttpStatus.CREATED).body(describe(queue, null));
    }

    /**
     * The workspace's queues, newest first: active and paused ones, or those of {@code state}
     * ({@code active}, {@code paused}, {@code archived}, {@code all}); page on with {@code after}.
     */
    @GetMapping
    ObjectNode list(@RequestParam(required = false) String state, @RequestParam(required = false) String after,
                    @RequestParam(required = false) String limit, HttpServletRequest http) {
        Principal principal = requireUser(http);
        List<AnnotationQueue.State> states = states(state);
        int pageSize = PageLimit.parse(limit, DEFAULT_PAGE, MAX_PAGE);
        if (after != null && !QUEUE_ID.matcher(after).matches()) {
            throw AnnotationErrors.invalid("after", "'after' must be a queue id (aq_ and 26 characters)");
        }
        List<AnnotationQueue> page = service.list(principal, states, after, pageSize + 1);
        List<AnnotationQueue> shown = page.subList(0, Math.min(pageSize, page.size()));
        ObjectNode json = JsonBodies.JSON.createObjectNode();
        json.put("object", "list");
        ArrayNode data = json.putArray("data");
        shown.forEach(queue -> data.add(describe(queue, null)));
        boolean more = page.size() > pageSize;
        json.put("first_id", shown.isEmpty() ? null : shown.getFirst().id());
        json.put("last_id", shown.isEmpty() ? null : shown.getLast().id());
        json.put("has_more", more);
        json.put("next_after", more ? shown.getLast().id() : null);
        return json;
    }

    @GetMapping("/{id}")
    ObjectNode get(@PathVariable String id, HttpServletRequest http) {
        Principal principal = Principal.of(http);
        AnnotationQueue queue = queue(principal, id);
        return describe(queue, principal.has(Role.USER) ? null : principal.keyId());
    }

    /** Changes what the queue says and how it hands out items; its filter and questions only while it has no answers. */
    @PatchMapping("/{id}")
    ObjectNode update(@PathVariable String id, HttpServletRequest http) throws IOException {
        Principal principal = requireUser(http);
        AnnotationQueue queue = queue(principal, id);
        QueueChange change = QueueChange.read(JsonBodies.parseObject(JsonBodies.read(http, maxBodyBytes)));
        return describe(service.update(principal, queue, change), null);
    }

    /**
     * Archives the queue: it is no longer listed (but with {@code state=archived}) nor handed out,
     * and reads back as archived; the answers already given stay, as feedback entries of the audit log.
     */
    @DeleteMapping("/{id}")
    ObjectNode delete(@PathVariable String id, HttpServletRequest http) {
        Principal principal = requireUser(http);
        AnnotationQueue queue = queue(principal, id);
        service.archive(principal, queue);
        ObjectNode json = JsonBodies.JSON.createObjectNode();
        json.put("id", queue.id());
        json.put("object", "annotation.queue.deleted");
        json.put("deleted", true);
        json.put("state", AnnotationQueue.State.ARCHIVED.wire());
        return json;
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
            if (queue.instructions() != null) {
                json.put("instructions", queue.instructions());
            }
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
        json.put("state", queue.state().wire());
        json.put("instructions", queue.instructions());
        ArrayNode questions = json.putArray("questions");
        queue.questions().forEach(q -> q.toJson(questions.addObject()));
        if (onlyAnnotator == null) {
            json.put("description", queue.description());
            queue.filter().toJson(json.putObject("filter"));
            json.put("annotators_per_item", queue.annotatorsPerItem());
            json.put("lease", queue.lease().toSeconds() + "s");
            json.put("created_at", queue.createdAt().toString());
            json.put("updated_at", queue.updatedAt() == null ? null : queue.updatedAt().toString());
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

    private static List<AnnotationQueue.State> states(String state) {
        if (state == null) {
            return List.of(AnnotationQueue.State.ACTIVE, AnnotationQueue.State.PAUSED);
        }
        if (state.equals("all")) {
            return List.of(AnnotationQueue.State.values());
        }
        return AnnotationQueue.State.parse(state).map(List::of).orElseThrow(() ->
                AnnotationErrors.invalid("state", "'state' must be one of active, paused, archived, all"));
    }
}
