package dev.cairn.gateway.routing;

import java.time.Duration;

import dev.cairn.platform.PeriodicTask;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

/**
 * The model groups admins stored in the database, kept in memory so routing never waits for it:
 * loaded at start, reloaded at once after a change this process makes, and reloaded within
 * {@link #REFRESH_INTERVAL} after a change another process sharing the database makes (each tick
 * reads one version number and loads the groups only when it moved). While the database cannot be
 * read, the groups last loaded stay in force.
 */
@Component
class StoredModelGroups implements StoredGroups {

    static final Duration REFRESH_INTERVAL = Duration.ofSeconds(2);
    private static final Logger log = LoggerFactory.getLogger(StoredModelGroups.class);

    private final ModelGroupRepository repository;
    private final PeriodicTask poller;
    private volatile ModelGroupRepository.Loaded loaded;
    /** Whether the last refresh failed, so that an outage is logged once rather than every tick. */
    private boolean failing;

    @Autowired
    StoredModelGroups(ModelGroupRepository repository) {
        this(repository, REFRESH_INTERVAL);
    }

    StoredModelGroups(ModelGroupRepository repository, Duration refreshInterval) {
        this.repository = repository;
        this.loaded = repository.load();
        this.poller = PeriodicTask.start("cairn-model-groups", refreshInterval, refreshInterval, this::refresh);
    }

    @Override
    public Snapshot current() {
        return loaded.snapshot();
    }

    /** The stored groups with who last changed each and when. */
    ModelGroupRepository.Loaded loaded() {
        return loaded;
    }

    /**
     * Loads the groups if their version moved. Synchronized, so a refresh that began before a change
     * was committed cannot finish after, and overwrite, the one that began after it.
     */
    synchronized void refresh() {
        try {
            if (repository.version() != loaded.version()) {
                loaded = repository.load();
            }
            if (failing) {
                log.info("Model groups are read from the database again");
                failing = false;
            }
        } catch (DataAccessException e) {
            if (!failing) {
                log.warn("Cannot read the model groups set by admins; the ones loaded at version {} stay in force",
                        loaded.version(), e);
                failing = true;
            }
        }
    }

    @PreDestroy
    void close() {
        poller.close();
    }
}
