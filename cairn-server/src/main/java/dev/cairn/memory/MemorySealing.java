package dev.cairn.memory;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

/**
 * Seals, once, the memory items an earlier version stored in clear (before V23): their content
 * and embeddings under their workspace's key, their words in the index replaced by keyed hashes,
 * and then the database files rewritten so the clear pages leave them. Runs at start, before the
 * server takes requests; a row already sealed is skipped, so an interrupted run simply continues.
 */
@Component
public class MemorySealing implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(MemorySealing.class);
    private static final int BATCH = 500;

    private final MemoryRepository repository;

    public MemorySealing(MemoryRepository repository) {
        this.repository = repository;
    }

    @Override
    public void afterSingletonsInstantiated() {
        int sealed = sealAll();
        if (sealed > 0) {
            repository.reclaimClearPages();
            log.info("Sealed {} memory items stored in clear by an earlier version", sealed);
        }
    }

    /** Seals every item still in clear; returns how many. */
    int sealAll() {
        int sealed = 0;
        long after = 0;
        List<MemoryRepository.Unsealed> rows;
        while (!(rows = repository.unsealed(after, BATCH)).isEmpty()) {
            repository.seal(rows);
            sealed += rows.size();
            after = rows.getLast().seq();
        }
        return sealed;
    }
}
