package dev.cairn.annotation;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

import dev.cairn.access.Principal;
import dev.cairn.audit.AuditRepository;
import dev.cairn.audit.EntryFilter;
import dev.cairn.audit.EntryStore;
import dev.cairn.audit.SealedContent;
import dev.cairn.audit.StoredEntry;
import dev.cairn.feedback.FeedbackRecorder;
import dev.cairn.feedback.Metric;
import dev.cairn.platform.Ids;
import dev.cairn.platform.JsonBodies;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Annotation queues: fixes a queue's items from the log when it is created, hands them out on
 * leases, records submitted answers as feedback, and measures how far annotators agree.
 */
@Service
class AnnotationService {

    /** The most interactions one queue holds; the oldest matching ones are taken. */
    static final int MAX_ITEMS = 10_000;
    /** Only answered chat completions are worth annotating. */
    private static final String INTERACTION_TYPE = "gateway.chat.completions";
    private static final int PAGE = 500;

    /** An item as its annotator sees it: the lease and the interaction's content, nothing else. */
    record Handed(AnnotationQueue queue, AnnotationRepository.Lease lease, JsonNode content) {
    }

    private final AnnotationRepository repository;
    private final AuditRepository log;
    private final EntryStore entries;
    private final SealedContent sealed;
    private final FeedbackRecorder feedback;

    AnnotationService(AnnotationRepository repository, AuditRepository log, EntryStore entries, SealedContent sealed,
                      FeedbackRecorder feedback) {
        this.repository = repository;
        this.log = log;
        this.entries = entries;
        this.sealed = sealed;
        this.feedback = feedback;
    }

    AnnotationQueue create(Principal principal, String name, QueueFilter filter, List<Question> questions,
                           int perItem, Duration lease) {
        for (int i = 0; i < questions.size(); i++) {
            checkMetric(principal.workspace(), questions.get(i), "questions[" + i + "].metric");
        }
        if (filter.missingMetric() != null && feedback.metric(principal.workspace(), filter.missingMetric()).isEmpty()) {
            throw AnnotationErrors.invalid("filter.missing_metric", "No metric '" + filter.missingMetric() + "' in this workspace");
        }
        AnnotationQueue queue = new AnnotationQueue(Ids.newId("aq"), principal.workspace(), name, filter, questions,
                perItem, lease, principal.keyId(), Instant.now());
        repository.create(queue, matching(principal.workspace(), filter));
        return queue;
    }

    Optional<AnnotationQueue> find(Principal principal, String id) {
        return repository.find(principal.workspace(), id);
    }

    Optional<Handed> claim(Principal principal, AnnotationQueue queue) {
        return repository.claim(queue, principal.keyId(), Instant.now())
                .map(lease -> new Handed(queue, lease, content(lease)));
    }

    /** Checks the answers, records them as feedback by the annotator's key, and completes the lease. */
    List<Long> submit(Principal principal, AnnotationQueue queue, long item, JsonNode answers) {
        Instant now = Instant.now();
        AnnotationRepository.Lease lease = repository.held(queue.id(), item, principal.keyId(), now)
                .orElseThrow(() -> AnnotationErrors.notLeased(queue.id(), item));
        if (!(answers instanceof ObjectNode given)) {
            throw AnnotationErrors.invalid("answers", "'answers' must be an object from question name to answer");
        }
        Set<String> names = new HashSet<>();
        queue.questions().forEach(q -> names.add(q.name()));
        for (String name : given.propertyNames()) {
            if (!names.contains(name)) {
                throw AnnotationErrors.invalid("answers." + name, "The queue asks no question '" + name + "'");
            }
        }
        int choices = choices(lease);
        List<FeedbackRecorder.Item> items = new ArrayList<>();
        List<AnnotationRepository.Answer> stored = new ArrayList<>();
        for (Question question : queue.questions()) {
            JsonNode answer = given.get(question.name());
            String path = "answers." + question.name();
            if (answer == null || answer.isNull()) {
                if (question.type() == Question.Type.TEXT) {
                    continue; // a comment is optional; everything else is what the queue is for
                }
                throw AnnotationErrors.invalid(path, "'" + path + "' is required");
            }
            items.addAll(AnswerFeedback.items(question, answer, lease.requestId(), choices, path));
            stored.add(new AnnotationRepository.Answer(item, principal.keyId(), question.name(), answer));
        }
        // Recorded before the lease is completed: a refused value leaves the lease held for a corrected
        // submission. Only a lease that runs out in between leaves feedback behind without completing it.
        List<Long> indexes = items.isEmpty() ? List.of() : feedback.record(principal, items);
        if (!repository.complete(queue.id(), item, principal.keyId(), stored, Instant.now())) {
            throw AnnotationErrors.notLeased(queue.id(), item);
        }
        return indexes;
    }

    long items(AnnotationQueue queue) {
        return repository.items(queue.id());
    }

    long itemsDone(AnnotationQueue queue) {
        return repository.itemsDone(queue.id(), queue.annotatorsPerItem());
    }

    List<AnnotationRepository.AnnotatorProgress> progress(AnnotationQueue queue, String onlyAnnotator) {
        return repository.progress(queue.id(), onlyAnnotator, Instant.now());
    }

    /** Alpha per question that has a level (rating: interval; choice and ranking: nominal), in question order. */
    Map<Question, OptionalDouble> agreement(AnnotationQueue queue) {
        Map<String, Map<Long, List<Object>>> byQuestion = new LinkedHashMap<>();
        for (AnnotationRepository.Answer answer : repository.answers(queue.id())) {
            byQuestion.computeIfAbsent(answer.question(), q -> new LinkedHashMap<>())
                    .computeIfAbsent(answer.item(), i -> new ArrayList<>())
                    .add(answer.value().isNumber() ? (Object) answer.value().asDouble() : answer.value().toString());
        }
        Map<Question, OptionalDouble> out = new LinkedHashMap<>();
        for (Question question : queue.questions()) {
            if (question.type() == Question.Type.TEXT) {
                continue;
            }
            Krippendorff.Level level = question.type() == Question.Type.RATING ? Krippendorff.Level.INTERVAL : Krippendorff.Level.NOMINAL;
            List<List<Object>> units = new ArrayList<>(byQuestion.getOrDefault(question.name(), Map.of()).values());
            out.put(question, Krippendorff.alpha(units, level));
        }
        return out;
    }

    /** The metric a question records, as the caller's workspace defines it now; empty for none. */
    Optional<Metric> metric(Principal principal, Question question) {
        return question.metric() == null ? Optional.empty() : feedback.metric(principal.workspace(), question.metric());
    }

    private void checkMetric(String workspace, Question question, String param) {
        if (question.metric() == null) {
            return;
        }
        Metric metric = feedback.metric(workspace, question.metric())
                .orElseThrow(() -> AnnotationErrors.invalid(param, "No metric '" + question.metric() + "' in this workspace"));
        boolean fits = question.type() == Question.Type.RATING
                ? metric.type() == Metric.Type.FLOAT
                : metric.type() != Metric.Type.FLOAT;
        if (!fits) {
            throw AnnotationErrors.invalid(param, "Metric '" + metric.name() + "' is " + metric.type().name().toLowerCase()
                    + "; a rating needs a float metric, a choice a boolean or categorical one");
        }
    }

    /** The workspace's answered chat completions that match, oldest first, at most {@link #MAX_ITEMS}. */
    private List<AnnotationRepository.Lease> matching(String workspace, QueueFilter filter) {
        EntryFilter query = new EntryFilter(filter.since(), filter.until(), INTERACTION_TYPE, workspace, null, null);
        List<AnnotationRepository.Lease> items = new ArrayList<>();
        long after = -1;
        while (items.size() < MAX_ITEMS) {
            List<StoredEntry> page = log.list(query, after, PAGE);
            for (StoredEntry stored : page) {
                JsonNode data = JsonBodies.JSON.readTree(entries.data(stored)).path("data");
                if (data.path("status").asInt() == 200 && filter.matches(data)
                        && (filter.missingMetric() == null || !feedback.hasValue(workspace, stored.eventId(), filter.missingMetric()))
                        && items.size() < MAX_ITEMS) {
                    items.add(new AnnotationRepository.Lease(items.size() + 1, stored.eventId(), stored.index(), null));
                }
            }
            if (page.size() < PAGE) {
                break;
            }
            after = page.getLast().index();
        }
        return items;
    }

    /** The interaction's content an annotator needs: the messages sent and the choices answered. */
    private JsonNode content(AnnotationRepository.Lease lease) {
        ObjectNode content = JsonBodies.JSON.createObjectNode();
        StoredEntry stored = log.findByIndex(lease.logIndex()).orElse(null);
        if (stored == null) {
            content.put("content_state", "pruned");
            return content;
        }
        SealedContent.Opened opened = sealed.open(stored, JsonBodies.JSON.readTree(entries.data(stored)));
        content.put("content_state", opened.state());
        if (opened.content() != null) {
            // Only what is to be judged: the end user's id and the request's other fields stay out.
            content.set("messages", opened.content().get("messages"));
            content.set("choices", opened.content().get("choices"));
        }
        return content;
    }

    private int choices(AnnotationRepository.Lease lease) {
        return log.findByIndex(lease.logIndex())
                .map(stored -> JsonBodies.JSON.readTree(entries.data(stored)).path("data").path("response").path("finish_reasons").size())
                .orElse(0);
    }
}
