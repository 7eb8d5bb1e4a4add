package dev.cairn.memory;

import java.security.SecureRandom;
import java.time.Instant;

import javax.crypto.AEADBadTagException;
import javax.crypto.spec.SecretKeySpec;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.cairn.audit.MasterKey;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * One AES-256 memory key per workspace, made on first use and stored only wrapped by the audit
 * {@link MasterKey} (as the audit's subject keys are), bound to {@code memory:<workspace>}.
 * Deleting a workspace's memory destroys its key with the rows.
 */
@Component
public class MemoryKeys {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final JdbcClient jdbc;
    private final MasterKey master;
    /** Opened keys: a workspace's requests follow one another; unwrapping each time is wasted work. */
    private final Cache<String, WorkspaceKey> open = Caffeine.newBuilder().maximumSize(10_000).build();

    public MemoryKeys(JdbcClient jdbc, MasterKey master) {
        this.jdbc = jdbc;
        this.master = master;
    }

    /** The workspace's key, made now if it has none. */
    public WorkspaceKey of(String workspace) {
        return open.get(workspace, this::load);
    }

    private WorkspaceKey load(String workspace) {
        byte[] wrapped = wrapped(workspace);
        if (wrapped == null) {
            byte[] raw = new byte[32];
            RANDOM.nextBytes(raw);
            // Two processes may race to make it; the first row wins and both read it back.
            jdbc.sql("INSERT INTO memory_keys (workspace, wrapped_key, created_at) VALUES (?, ?, ?) ON CONFLICT (workspace) DO NOTHING")
                    .params(workspace, master.wrap(new SecretKeySpec(raw, "AES"), context(workspace)), Instant.now().toEpochMilli())
                    .update();
            wrapped = wrapped(workspace);
            forgetIfRolledBack(workspace);
        }
        try {
            return new WorkspaceKey(master.unwrap(wrapped, context(workspace)).getEncoded());
        } catch (AEADBadTagException e) {
            throw new IllegalStateException("the memory key of workspace '" + workspace + "' does not open with this master key", e);
        }
    }

    /**
     * A key made inside a transaction (the first items of a workspace are stored in one) exists only
     * if that transaction commits: should it roll back, the cached key is dropped too, or later items
     * would be sealed under a key the database never kept.
     */
    private void forgetIfRolledBack(String workspace) {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    if (status != STATUS_COMMITTED) {
                        open.invalidate(workspace);
                    }
                }
            });
        }
    }

    private byte[] wrapped(String workspace) {
        return jdbc.sql("SELECT wrapped_key FROM memory_keys WHERE workspace = ?").param(workspace).query(byte[].class).optional()
                .orElse(null);
    }

    /** Destroys the workspace's key (its items are deleted with it); the next use makes a new one. */
    void destroy(String workspace) {
        jdbc.sql("DELETE FROM memory_keys WHERE workspace = ?").param(workspace).update();
        open.invalidate(workspace);
    }

    private static String context(String workspace) {
        return "memory:" + workspace;
    }
}
