package dev.cairn.guard;

import java.time.Duration;

import dev.cairn.platform.StoredVersion;
import jakarta.annotation.PreDestroy;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The admin layer as stored in the database, kept in memory so the guard never waits for it
 * ({@link StoredVersion}: reloaded at once after a change this process makes, within
 * {@link #REFRESH_INTERVAL} after another process's, the last loaded kept while the database cannot
 * be read).
 */
@Component
class StoredPolicyOverrides implements PolicyOverrides {

    static final Duration REFRESH_INTERVAL = Duration.ofSeconds(2);

    private final StoredVersion<Snapshot> stored;

    @Autowired
    StoredPolicyOverrides(GuardPolicyRepository repository) {
        this(repository, REFRESH_INTERVAL);
    }

    StoredPolicyOverrides(GuardPolicyRepository repository, Duration refreshInterval) {
        this.stored = new StoredVersion<>("cairn-guard-policies", "guard policies set by admins", refreshInterval,
                repository::version, repository::load, Snapshot::version);
    }

    @Override
    public Snapshot current() {
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
