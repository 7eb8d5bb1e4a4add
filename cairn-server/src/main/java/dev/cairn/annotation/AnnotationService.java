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
import java.util.concurrent.locks.ReentrantLock;

import dev.cairn.access.Principal;
import dev.cairn.audit.AuditRepository;
import dev.cairn.audit.EntryStore;
import dev.cairn.audit.SealedContent;
import dev.cairn.audit.StoredEntry;
import dev.cairn.feedback.FeedbackRecorder;
import dev.cairn.feedback.Metric;
import dev.cairn.platform.AdminAction;
import dev.cairn.platform.Ids;
import dev.cairn.platform.JsonBodies;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Annotation queues: takes a queue's items from the log when it is created and as the log grows,
 * hands them out on leases, records submitted answers as feedback, and measures how far annotators agree.
 */
@Service
class AnnotationService {

    /** The most interactions one queue holds; the oldest matching ones are taken. */
    static final int MAX_ITEMS = 10_000;
    /** Log entries a claim reads on beyond the queue's pointer before it looks for an item: keeps a claim short. */
    static final int REFILL_ENTRIES = 500;
    /** How far a claim that found nothing reads on before it answers that there is nothing. */
    static final int REFILL_ENTRIES_WHEN_EMPTY = 5_000;

    /** An item as its annotator sees it: the lease and the interaction's content, nothing else. */
    record Handed(AnnotationQueue queue, AnnotationRepository.Lease lease, JsonNode content) {
    }

    private final AnnotationRepository repository;
    private final LogScan scan;
    private final AuditRepository log;
    private final EntryStore entries;
    private final SealedContent sealed;
    private final FeedbackRecorder feedback;
    private final ApplicationEventPublisher events;
    /**
     * One reader of the log per queue at a time in this process: when 32 annotators claim as new
     * interactions arrive, one reads the new stretch and the others claim from what is already in.
     * Striped so that the locks do not grow with the number of queues; correctness does not rest
     * on them (the repository's transaction does), only the work saved.
     */
    private final ReentrantLock[] readers = new ReentrantLock[64];

    AnnotationService(AnnotationRepository repository, LogScan scan, AuditRepository log, EntryStore entries,
                      SealedContent sealed, FeedbackRecorder feedback, ApplicationEventPublisher events) {
        this.repository = repository;
        this.scan = scan;
        this.log = log;
        this.entries = entries;
        this.sealed = sealed;
        this.feedback = feedback;
        this.events = events;
        for (int i = 0; i < readers.length; i++) {
            readers[i] = new ReentrantLock();
        }
    }

    AnnotationQueue create(Principal principal, String name, String description, String instructions, QueueFilter filter,
                           List<Question> questions, int perItem, Duration lease) {
        checkSpec(principal.workspace(), filter, questions);
        AnnotationQueue queue = new AnnotationQueue(Ids.newId("aq"), principal.workspace(), name, description, instructions,
                filter, questions, perItem, lease, AnnotationQueue.State.ACTIVE, principal.keyId(), Instant.now(), null);
        repository.create(queue, scan.scan(principal.workspace(), filter, -1, Long.MAX_VALUE, MAX_ITEMS));
        events.publishEvent(new AdminAction("annotation.queue.created", queue.workspace(), principal.keyId(),
                Map.of("queue_id", queue.id(), "name", queue.name())));
        return queue;
    }

    Optional<AnnotationQueue> find(Principal principal, String id) {
        return repository.find(principal.workspace(), id);
    }

    List<AnnotationQueue> list(Principal principal, List<AnnotationQueue.State> states, String afterId, int limit) {
        return repository.list(principal.workspace(), states, afterId, limit);
    }

    /**
     * Applies a PATCH. The filter and the questions change only while no answer has been given: the
     * answers were given to these questions about these interactions, and agreement and progress
     * would otherwise mix answers to different things. A new filter reads the log again from its start.
     */
    AnnotationQueue update(Principal principal, AnnotationQueue queue, QueueChange change) {
        AnnotationQueue changed = change.applyTo(queue, Instant.now());
        if (change.changesWhatIsAsked()) {
            checkSpec(queue.workspace(), changed.filter(), changed.questions());
        }
        LogScan.Result items = change.changesFilter()
                ? scan.scan(queue.workspace(), changed.filter(), -1, Long.MAX_VALUE, MAX_ITEMS) : null;
        Instant now = changed.updatedAt();
        repository.update(queue, current -> change.applyTo(current, now), change.changesWhatIsAsked(), items).ifPresent(refusal -> {
            throw switch (refusal) {
                case ARCHIVED -> AnnotationErrors.archived(queue.id());
                case ANSWERED -> AnnotationErrors.answered(queue.id(), repository.answered(queue.id()),
                        change.changesFilter() ? "filter" : "questions");
            };
        });
        events.publishEvent(new AdminAction("annotation.queue.updated", queue.workspace(), principal.keyId(),
                Map.of("queue_id", queue.id(), "fields", List.copyOf(change.fields()))));
        return repository.find(queue.workspace(), queue.id()).orElse(changed);
    }

    /** Archives the queue; the feedback its answers were recorded as stays in the log, as every entry does. */
    void archive(Principal principal, AnnotationQueue queue) {
        if (queue.state() == AnnotationQueue.State.ARCHIVED) {
            return;
        }
        repository.archive(queue.id(), Instant.now());
        events.publishEvent(new AdminAction("annotation.queue.archived", queue.workspace(), principal.keyId(),
                Map.of("queue_id", queue.id())));
    }

    /**
     * Hands the next item, first taking in what the log gained since the queue last read it (a
     * bounded stretch). Items are handed in log order, so reading on matters for a claim only when
     * nothing already taken in is left for this key: then it reads further, and looks again once.
     */
    Optional<Handed> claim(Principal principal, AnnotationQueue queue) {
        if (queue.state() == AnnotationQueue.State.ARCHIVED) {
            throw AnnotationErrors.archived(queue.id());
        }
        if (queue.state() == AnnotationQueue.State.PAUSED) {
            return Optional.empty();
        }
        ReentrantLock reader = readers[Math.floorMod(queue.id().hashCode(), readers.length)];
        Optional<AnnotationRepository.Lease> lease;
        if (reader.tryLock()) {
            try { // held until the claim has taken in what was read, so that no other claim here reads it again
                lease = repository.claim(queue, principal.keyId(), Instant.now(), readOn(queue, REFILL_ENTRIES));
            } finally {
                reader.unlock();
            }
        } else {
            lease = repository.claim(queue, principal.keyId(), Instant.now(), null);
        }
        if (lease.isEmpty()) {
            reader.lock(); // a reader under way may be about to add items: wait for it, then read on from where it got
            try {
                lease = repository.claim(queue, principal.keyId(), Instant.now(), readOn(queue, REFILL_ENTRIES_WHEN_EMPTY));
            } finally {
                reader.unlock();
            }
        }
        return lease.map(l -> new Handed(queue, l, content(l)));
    }

    /** What the log holds for the queue beyond its pointer, or null when there is nothing to read or no room. */
    private AnnotationRepository.Refill readOn(AnnotationQueue queue, long maxEntries) {
        AnnotationRepository.Cursor cursor = repository.cursor(queue.id()).orElse(null);
        if (cursor == null || cursor.state() != AnnotationQueue.State.ACTIVE || cursor.scannedTo() >= log.size() - 1) {
            return null;
        }
        long room = MAX_ITEMS - repository.lastItem(queue.id());
        if (room <= 0) {
            return null;
        }
        // The filter as the cursor has it: a PATCH may have changed it since this request read the queue.
        QueueFilter filter = QueueFilter.read(JsonBodies.JSON.readTree(cursor.spec()).get("filter"));
        return new AnnotationRepository.Refill(cursor, scan.scan(queue.workspace(), filter, cursor.scannedTo(), maxEntries, (int) room));
    }

    /** Checks the answers, records them as feedback by the annotator's key, and completes the lease. */
    List<Long> submit(Principal principal, AnnotationQueue queue, long item, JsonNode answers) {
        if (queue.state() == AnnotationQueue.State.ARCHIVED) {
            throw AnnotationErrors.archived(queue.id());
        }
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

    private void checkSpec(String workspace, QueueFilter filter, List<Question> questions) {
        for (int i = 0; i < questions.size(); i++) {
            checkMetric(workspace, questions.get(i), "questions[" + i + "].metric");
        }
        if (filter.missingMetric() != null && feedback.metric(workspace, filter.missingMetric()).isEmpty()) {
            throw AnnotationErrors.invalid("filter.missing_metric", "No metric '" + filter.missingMetric() + "' in this workspace");
        }
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
