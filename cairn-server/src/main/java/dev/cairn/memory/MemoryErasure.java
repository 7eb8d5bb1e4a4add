package dev.cairn.memory;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import dev.cairn.audit.ErasureParticipant;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Takes an erased subject's memory away: the items that record the subject (turns the gateway
 * captured for requests naming it, items the memory API stored with its {@code Cairn-Subject},
 * facts extracted from its turns), with their full-text entries and vectors, and every thread the
 * erasure leaves without items. Then what this process and Redis cache of them: the workspace's
 * vector index, the threads' windows of recent turns, and the query vectors of the subject's turns.
 */
@Component
class MemoryErasure implements ErasureParticipant {

    private final MemoryRepository repository;
    private final VectorIndex vectors;
    private final ThreadWindows windows;
    private final Embeddings embeddings;
    private final TransactionTemplate transactions;

    MemoryErasure(MemoryRepository repository, VectorIndex vectors, ThreadWindows windows, Embeddings embeddings,
                  TransactionTemplate transactions) {
        this.repository = repository;
        this.vectors = vectors;
        this.windows = windows;
        this.embeddings = embeddings;
        this.transactions = transactions;
    }

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public List<Holding> erase(Erasure erasure) {
        String workspace = erasure.workspace();
        List<MemoryRepository.SubjectItem> items = repository.subjectItems(workspace, erasure.subjectId());
        Set<String> threads = new LinkedHashSet<>();
        items.forEach(item -> {
            if (item.threadId() != null) {
                threads.add(item.threadId());
            }
        });
        MemoryRepository.Removed removed = transactions.execute(status -> repository.deleteSubject(workspace, erasure.subjectId(), threads));
        boolean compacted = repository.compactFullText();
        // Caches after the rows: a window or vector read back in between comes from rows already gone.
        vectors.invalidate(workspace);
        threads.forEach(thread -> windows.forget(workspace, thread));
        for (MemoryRepository.SubjectItem item : items) {
            embeddings.forgetQuery(item.content());
            if (item.content().length() > MemoryController.MAX_QUERY_CHARS) {
                embeddings.forgetQuery(item.content().substring(item.content().length() - MemoryController.MAX_QUERY_CHARS));
            }
        }
        List<Holding> held = new ArrayList<>();
        held.add(new Holding("memory_items", removed.items(), "deleted, with their vectors"));
        held.add(new Holding("memory_items_fts", removed.items(),
                compacted ? "deleted, index segments rewritten (optimize)" : "deleted, index cleaned by VACUUM"));
        held.add(new Holding("memory_threads", removed.threads(), "deleted: left without items"));
        held.add(new Holding("caches", threads.size(),
                "dropped: the workspace's vector index, the threads' recent-turn windows, the turns' query vectors (here and in Redis)"));
        return held;
    }

    @Override
    public List<String> tables() {
        return List.of("memory_items", "memory_threads");
    }
}
