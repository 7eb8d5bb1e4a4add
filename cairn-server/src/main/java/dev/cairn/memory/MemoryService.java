package dev.cairn.memory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Set;

import dev.cairn.platform.Ids;
import dev.cairn.platform.RequestException;
import dev.cairn.platform.TokenCounter;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Workspaces, threads and items: checks what callers send, writes it, keeps the vector index and
 * the embedding queue in step. Every method takes the caller's workspace; nothing crosses it.
 */
@Service
public class MemoryService {

    /** Default salience of an item nobody rated. */
    static final double DEFAULT_SALIENCE = 0.5;
    public static final int MAX_ITEMS_PER_CALL = 1000;
    /** An item is a memory, not a library: longer texts go through /ingest, which cuts them. */
    static final int MAX_CONTENT_CHARS = 100_000;

    private final MemoryRepository repository;
    private final VectorIndex vectors;
    private final EmbeddingQueue embeddingQueue;
    private final ThreadWindows windows;
    private final TokenCounter tokens;
    private final TransactionTemplate transactions;

    public MemoryService(MemoryRepository repository, VectorIndex vectors, EmbeddingQueue embeddingQueue,
                         ThreadWindows windows, TokenCounter tokens, TransactionTemplate transactions) {
        this.repository = repository;
        this.vectors = vectors;
        this.embeddingQueue = embeddingQueue;
        this.windows = windows;
        this.tokens = tokens;
        this.transactions = transactions;
    }

    // --- workspaces ------------------------------------------------------------------------------

    /** The workspace's settings; its row is created on first use. */
    public MemoryWorkspace workspace(String id) {
        return repository.workspace(id).orElseGet(() -> repository.ensureWorkspace(id));
    }

    /** The workspace's settings if it has any stored; unlike {@link #workspace} this creates nothing. */
    public Optional<MemoryWorkspace> storedWorkspace(String id) {
        return repository.workspace(id);
    }

    public List<MemoryWorkspace> workspaces(String after, int limit) {
        return repository.workspaces(after, limit);
    }

    public MemoryWorkspace updateWorkspace(String id, String metadata, Boolean recallDefault, Integer recallTokenBudget,
                                           boolean clearBudget) {
        MemoryWorkspace current = repository.ensureWorkspace(id);
        repository.updateWorkspace(id, metadata != null ? metadata : current.metadata(),
                recallDefault != null ? recallDefault : current.recallDefault(),
                clearBudget ? null : recallTokenBudget != null ? recallTokenBudget : current.recallTokenBudget());
        return repository.workspace(id).orElseThrow();
    }

    public MemoryRepository.Removed deleteWorkspace(String id) {
        List<String> threads = repository.threadIds(id);
        MemoryRepository.Removed removed = transactions.execute(status -> repository.deleteWorkspace(id));
        vectors.invalidate(id);
        threads.forEach(thread -> windows.forget(id, thread));
        return removed;
    }

    // --- threads ---------------------------------------------------------------------------------

    public MemoryThread createThread(String workspace, String id, String name, String metadata) {
        workspace(workspace);
        Instant now = Instant.now();
        MemoryThread thread = new MemoryThread(id != null ? id : Ids.newId("thr"), workspace, name,
                metadata != null ? metadata : "{}", now, now);
        if (!repository.insertThread(thread)) {
            throw MemoryException.conflict("thread_exists", "id", "A thread with id '" + thread.id() + "' already exists");
        }
        return thread;
    }

    /** The thread, created with this id on first use (chat completions that name a new thread). */
    public MemoryThread threadOrCreate(String workspace, String id) {
        return repository.thread(workspace, id).orElseGet(() -> {
            workspace(workspace);
            Instant now = Instant.now();
            MemoryThread thread = new MemoryThread(id, workspace, null, "{}", now, now);
            if (!repository.insertThread(thread)) {
                // Created meanwhile by a concurrent request naming the same new thread.
                return repository.thread(workspace, id).orElseThrow();
            }
            return thread;
        });
    }

    public MemoryThread thread(String workspace, String id) {
        return repository.thread(workspace, id).orElseThrow(() -> MemoryException.notFound("thread", id));
    }

    public List<MemoryThread> threads(String workspace, String after, int limit) {
        return repository.threads(workspace, after, limit);
    }

    public MemoryThread updateThread(String workspace, String id, String name, String metadata) {
        MemoryThread current = thread(workspace, id);
        repository.updateThread(workspace, id, name != null ? name : current.name(), metadata != null ? metadata : current.metadata());
        return thread(workspace, id);
    }

    public int deleteThread(String workspace, String id) {
        thread(workspace, id);
        int removed = transactions.execute(status -> repository.deleteThread(workspace, id));
        vectors.invalidate(workspace);
        windows.forget(workspace, id);
        return removed;
    }

    // --- items -----------------------------------------------------------------------------------

    /** Stores up to {@value #MAX_ITEMS_PER_CALL} items of no data subject in one transaction and queues their embedding. */
    public List<MemoryItem> addItems(String workspace, List<NewItem> requested) {
        return addItems(workspace, null, requested);
    }

    /**
     * The same for items about a data subject ({@code subjectId}, its pseudonym; null: none): they
     * record it, and erasing the subject deletes them ({@link MemoryErasure}).
     */
    public List<MemoryItem> addItems(String workspace, String subjectId, List<NewItem> requested) {
        if (requested.isEmpty() || requested.size() > MAX_ITEMS_PER_CALL) {
            throw RequestException.invalid("invalid_items", "items",
                    "Send between 1 and " + MAX_ITEMS_PER_CALL + " items per call, not " + requested.size());
        }
        for (int i = 0; i < requested.size(); i++) {
            checkContent(requested.get(i).content(), "items[" + i + "].content");
        }
        workspace(workspace);
        checkReferences(workspace, requested);
        Instant now = Instant.now();
        List<MemoryItem> items = new ArrayList<>(requested.size());
        for (NewItem n : requested) {
            items.add(new MemoryItem(Ids.newId("mem"), workspace, n.threadId(), n.kind(), n.content(), n.externalId(),
                    n.metadata() != null ? n.metadata() : "{}", n.occurredAt() != null ? n.occurredAt() : now,
                    n.salience() != null ? n.salience() : DEFAULT_SALIENCE, n.supersedes(), null, n.source(),
                    tokens.count(n.content()), null, now, now));
        }
        Set<String> superseded = new HashSet<>();
        items.forEach(i -> {
            if (i.supersedes() != null) {
                superseded.add(i.supersedes());
            }
        });
        try {
            transactions.executeWithoutResult(status -> {
                repository.insertItems(items, subjectId);
                retire(workspace, superseded, now);
                // In the same transaction: items are never stored without their embedding job.
                embeddingQueue.enqueue(workspace, subjectId, items.stream().map(MemoryItem::id).toList());
            });
        } catch (DuplicateKeyException e) {
            // A concurrent call stored the same external_id between the check and the insert.
            throw MemoryException.conflict("external_id_exists", "external_id", "An external_id in this call is already taken");
        }
        if (!superseded.isEmpty()) {
            vectors.invalidate(workspace);
        }
        Set<String> threads = new HashSet<>();
        items.forEach(i -> {
            if (i.threadId() != null) {
                threads.add(i.threadId());
            }
        });
        threads.forEach(t -> windows.forget(workspace, t));
        return items;
    }

    /** Bounded, and without NUL characters, which PostgreSQL text cannot hold (SQLite would). */
    private static void checkContent(String content, String param) {
        if (content.length() > MAX_CONTENT_CHARS) {
            throw RequestException.invalid("content_too_long", param, "'" + param + "' may have at most " + MAX_CONTENT_CHARS
                    + " characters; POST /v1/memory/ingest cuts longer texts into items");
        }
        if (content.indexOf('\u0000') >= 0) {
            throw RequestException.invalid("invalid_content", param, "'" + param + "' must not contain NUL characters");
        }
    }

    private void retire(String workspace, Set<String> ids, Instant now) {
        for (MemoryItem old : repository.items(workspace, ids).values()) {
            if (old.retiredAt() == null) {
                repository.updateItem(withRetired(old, now), false);
                if (old.threadId() != null) {
                    windows.forget(workspace, old.threadId());
                }
            }
        }
    }

    private static MemoryItem withRetired(MemoryItem i, Instant at) {
        return new MemoryItem(i.id(), i.workspace(), i.threadId(), i.kind(), i.content(), i.externalId(), i.metadata(),
                i.occurredAt(), i.salience(), i.supersedes(), at, i.source(), i.tokens(), i.embeddingModel(), i.createdAt(), at);
    }

    /** Threads and superseded items must exist in the workspace; external ids must be new. */
    private void checkReferences(String workspace, List<NewItem> requested) {
        Set<String> threads = new LinkedHashSet<>();
        Set<String> supersedes = new LinkedHashSet<>();
        Set<String> externalIds = new LinkedHashSet<>();
        for (int i = 0; i < requested.size(); i++) {
            NewItem item = requested.get(i);
            if (item.threadId() != null) {
                threads.add(item.threadId());
            }
            if (item.supersedes() != null) {
                supersedes.add(item.supersedes());
            }
            if (item.externalId() != null && !externalIds.add(item.externalId())) {
                throw RequestException.invalid("duplicate_external_id", "items[" + i + "].external_id",
                        "external_id '" + item.externalId() + "' appears twice in this call");
            }
        }
        for (String thread : threads) {
            if (repository.thread(workspace, thread).isEmpty()) {
                throw MemoryException.notFound("thread", thread);
            }
        }
        Map<String, MemoryItem> found = repository.items(workspace, supersedes);
        for (String id : supersedes) {
            if (!found.containsKey(id)) {
                throw MemoryException.notFound("item", id);
            }
        }
        Map<String, String> taken = repository.externalIds(workspace, externalIds);
        if (!taken.isEmpty()) {
            Map.Entry<String, String> first = taken.entrySet().iterator().next();
            throw MemoryException.conflict("external_id_exists", "external_id",
                    "external_id '" + first.getKey() + "' already names item " + first.getValue());
        }
    }

    public MemoryItem item(String workspace, String id) {
        return repository.item(workspace, id).orElseThrow(() -> MemoryException.notFound("item", id));
    }

    public List<MemoryItem> items(String workspace, ItemFilter filter, String after, int limit) {
        return repository.listItems(workspace, filter, after, limit);
    }

    /** Changes what the caller sent; new content is re-counted and re-embedded. */
    public MemoryItem updateItem(String workspace, String id, ItemChange change) {
        MemoryItem current = item(workspace, id);
        if (change.threadId() != null && repository.thread(workspace, change.threadId()).isEmpty()) {
            throw MemoryException.notFound("thread", change.threadId());
        }
        if (change.content() != null) {
            checkContent(change.content(), "content");
        }
        String content = change.content() != null ? change.content() : current.content();
        boolean contentChanged = !content.equals(current.content());
        Instant now = Instant.now();
        MemoryItem updated = new MemoryItem(id, workspace,
                change.threadId() != null ? change.threadId() : current.threadId(),
                change.kind() != null ? change.kind() : current.kind(), content, current.externalId(),
                change.metadata() != null ? change.metadata() : current.metadata(),
                change.occurredAt() != null ? change.occurredAt() : current.occurredAt(),
                change.salience() != null ? change.salience() : current.salience(), current.supersedes(),
                change.retired() == null ? current.retiredAt() : change.retired() ? (current.retiredAt() != null ? current.retiredAt() : now) : null,
                current.source(), contentChanged ? tokens.count(content) : current.tokens(),
                contentChanged ? null : current.embeddingModel(), current.createdAt(), now);
        repository.updateItem(updated, contentChanged);
        vectors.invalidate(workspace);
        forgetWindows(workspace, current, updated);
        if (contentChanged) {
            embeddingQueue.enqueue(workspace, null, List.of(id));
        }
        return updated;
    }

    /** Deletes the item; answers it as it was, for the audit entry's ids. */
    public MemoryItem deleteItem(String workspace, String id) {
        MemoryItem item = item(workspace, id);
        repository.deleteItem(workspace, id);
        vectors.invalidate(workspace);
        forgetWindows(workspace, item, item);
        return item;
    }

    private void forgetWindows(String workspace, MemoryItem before, MemoryItem after) {
        if (before.threadId() != null) {
            windows.forget(workspace, before.threadId());
        }
        if (after.threadId() != null) {
            windows.forget(workspace, after.threadId());
        }
    }

    /** The fields of a PATCH; null means unchanged. */
    public record ItemChange(String threadId, ItemKind kind, String content, String metadata, Instant occurredAt,
                             Double salience, Boolean retired) {
    }
}
