package dev.cairn.gateway.routing;

import java.time.Duration;

import dev.cairn.platform.StoredVersion;
import jakarta.annotation.PreDestroy;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The model groups admins stored in the database, kept in memory so routing never waits for it
 * ({@link StoredVersion}: reloaded at once after a change this process makes, within
 * {@link #REFRESH_INTERVAL} after another process's, the last loaded kept while the database cannot
 * be read).
 */
@Component
class StoredModelGroups implements StoredGroups {

    static final Duration REFRESH_INTERVAL = Duration.ofSeconds(2);

    private final StoredVersion<ModelGroupRepository.Loaded> stored;

    @Autowired
    StoredModelGroups(ModelGroupRepository repository) {
        this(repository, REFRESH_INTERVAL);
    }

    StoredModelGroups(ModelGroupRepository repository, Duration refreshInterval) {
        this.stored = new StoredVersion<>("cairn-model-groups", "model groups set by admins", refreshInterval,
                repository::version, repository::load, ModelGroupRepository.Loaded::version);
    }

    @Override
    public Snapshot current() {
        return stored.current().snapshot();
    }

    /** The stored groups with who last changed each and when. */
    ModelGroupRepository.Loaded loaded() {
        return stored.current();
    }

    void refresh() {
        stored.refresh();
    }

    @PreDestroy
    void close() {
        stored.close();
    }
}
