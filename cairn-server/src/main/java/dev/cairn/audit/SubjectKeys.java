package dev.cairn.audit;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import com.github.benmanes.caffeine.cache.Cache;
import dev.cairn.platform.Ids;
import dev.cairn.platform.CacheBytes;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * One AES-256 data key per data subject, created on first use and stored only wrapped by the
 * {@link MasterKey}. Erasing a subject destroys its keys: everything sealed under them becomes
 * noise, while the log's hashes, and so every proof, stay as they were (crypto-shredding).
 */
@Component
public class SubjectKeys {

    /** A subject's live key, by id, as entries name it. */
    record DataKey(String id, String subjectId, SecretKey key) {
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    /** A data key as stored: the 32-byte key sealed by AES-GCM, {@code nonce ‖ ciphertext ‖ tag}. */
    static final int WRAPPED_LENGTH = Aead.NONCE_BYTES + 32 + 16;

    private final DataKeyRepository repository;
    private final MasterKey master;
    /** About 14,000 subjects' keys each (some 600 bytes an entry). */
    static final long CACHE_BYTES = 8 << 20;
    private final Cache<String, DataKey> liveBySubject = CacheBytes.<String, DataKey>bounded(CACHE_BYTES, SubjectKeys::bytes).build();
    private final Cache<String, DataKey> byId = CacheBytes.<String, DataKey>bounded(CACHE_BYTES, SubjectKeys::bytes).build();

    SubjectKeys(DataKeyRepository repository, MasterKey master) {
        this.repository = repository;
        this.master = master;
    }

    /** A cached key: its cache key, ids, and the key object with its 32 bytes. */
    private static long bytes(String cacheKey, DataKey key) {
        return CacheBytes.of(cacheKey) + CacheBytes.OBJECT + CacheBytes.of(key.id()) + CacheBytes.of(key.subjectId())
                + CacheBytes.OBJECT + CacheBytes.of(new byte[32]) + CacheBytes.of("AES");
    }

    /** For the command line, which builds the audit log without Spring. */
    public static SubjectKeys create(JdbcClient jdbc, MasterKey master) {
        return new SubjectKeys(new DataKeyRepository(jdbc), master);
    }

    /** The subject's live key, made now if it has none (or had one and was erased). */
    DataKey forSubject(String subjectId, String workspace) {
        return liveBySubject.get(subjectId, id -> {
            Optional<DataKeyRepository.Row> live = repository.findLive(id);
            if (live.isEmpty()) {
                String keyId = Ids.newId("dk");
                byte[] raw = new byte[32];
                RANDOM.nextBytes(raw);
                repository.insertIfNoLiveKey(keyId, id, workspace, master.wrap(new SecretKeySpec(raw, "AES"), keyId),
                        Instant.now());
                live = repository.findLive(id);
            }
            return unwrap(live.orElseThrow(() -> new IllegalStateException("no live data key for " + id)));
        });
    }

    /** The key an entry was sealed with, or empty when its subject has been erased. */
    Optional<DataKey> byId(String keyId) {
        DataKey cached = byId.getIfPresent(keyId);
        if (cached != null) {
            return Optional.of(cached);
        }
        return repository.findById(keyId).filter(row -> row.wrapped() != null).map(this::unwrap);
    }

    /**
     * Those of {@code subjectIds} erased so far: for a feature that copied a subject's content out of
     * the log and must not keep it if the erasure came while it was copying (dataset builds).
     */
    public Set<String> erasedAmong(Collection<String> subjectIds) {
        return repository.erasedAmong(subjectIds);
    }

    /** Destroys the subject's keys; returns their ids, which the erasure's entry names. */
    public List<String> erase(String subjectId) {
        List<String> erased = repository.erase(subjectId, Instant.now());
        liveBySubject.invalidate(subjectId);
        byId.asMap().values().removeIf(key -> key.subjectId().equals(subjectId));
        return erased;
    }

    /**
     * How the data keys are stored: how many rows, how many erased, live keys not in the wrapped form
     * this class writes, erased keys that still hold key material, and whether the newest live key
     * ({@code newest}, null when there is none) opens with the master key. One key is opened, not all.
     */
    public record Storage(long keys, long erased, long notWrapped, long erasedStillHeld, String newest,
                          boolean newestOpens) {
    }

    public Storage storage() {
        DataKeyRepository.Storage counts = repository.storage(WRAPPED_LENGTH);
        Optional<DataKeyRepository.Row> newest = repository.newestLive();
        boolean opens = newest.filter(row -> row.wrapped() != null).map(row -> {
            try {
                master.unwrap(row.wrapped(), row.id());
                return true;
            } catch (AEADBadTagException e) {
                return false;
            }
        }).orElse(false);
        return new Storage(counts.keys(), counts.erased(), counts.notWrapped(), counts.erasedStillHeld(),
                newest.map(DataKeyRepository.Row::id).orElse(null), opens);
    }

    /**
     * Ids of the subject's keys that the erasure recorded at {@code recorded}, which destroyed
     * {@code keysDestroyed} keys, should have destroyed and did not: live keys created before it. A
     * key made after the destruction, for a request that came between it and the entry, is the
     * subject's new key and not one of them.
     */
    public List<String> keysOutliving(String subjectId, Instant recorded, long keysDestroyed) {
        List<Map.Entry<String, Instant>> live = repository.liveCreatedBefore(subjectId, recorded);
        if (live.isEmpty()) {
            return List.of();
        }
        Instant destroyed = keysDestroyed > 0 ? repository.lastErasedUntil(subjectId, recorded).orElse(recorded) : recorded;
        return live.stream().filter(key -> key.getValue().isBefore(destroyed)).map(Map.Entry::getKey).toList();
    }

    private DataKey unwrap(DataKeyRepository.Row row) {
        try {
            DataKey key = new DataKey(row.id(), row.subjectId(), master.unwrap(row.wrapped(), row.id()));
            byId.put(key.id(), key);
            return key;
        } catch (AEADBadTagException e) {
            throw new IllegalStateException("data key " + row.id() + " does not open with this master key", e);
        }
    }
}
