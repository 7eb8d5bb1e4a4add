package dev.cairn.access;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Cache;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.cairn.platform.AdminAction;
import dev.cairn.platform.PlainIds;
import dev.cairn.platform.CacheBytes;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;

/**
 * Creates, lists, revokes and checks API keys. Checks hit a short-lived cache so the hot path does
 * no database read; revoking through this service takes effect at once, revoking from another
 * process (the CLI on the same data dir) within {@link #CACHE_TTL}. Last-used times are gathered in
 * memory and written at most once per {@link #TOUCH_INTERVAL} per key.
 */
@Service
public class ApiKeyService {

    static final Duration CACHE_TTL = Duration.ofSeconds(10);
    static final Duration TOUCH_INTERVAL = Duration.ofSeconds(30);
    private static final Logger log = LoggerFactory.getLogger(ApiKeyService.class);

    private final ApiKeyRepository repository;
    private final ApplicationEventPublisher events;
    /** By bytes: a key's allowed models may be a thousand names; a miss (an unknown secret) is small. */
    private final Cache<String, Optional<ApiKey>> byHash = CacheBytes.<String, Optional<ApiKey>>bounded(32 << 20,
            (hash, key) -> CacheBytes.of(hash) + key.map(ApiKeyService::bytes).orElse(0L) + CacheBytes.OBJECT)
            .expireAfterWrite(CACHE_TTL).build();
    private final Map<String, Instant> pendingTouches = new ConcurrentHashMap<>();
    private final ScheduledExecutorService toucher = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("cairn-key-touch").daemon().factory());

    /** Far beyond any real allow-list; keeps a key's audit entry within an entry's size. */
    static final int MAX_ALLOWED_MODELS = 1000;

    /** A cached key on the heap: its strings, allowed models and instants. */
    static long bytes(ApiKey key) {
        return 64 + 3 * 24 + CacheBytes.of(key.id()) + CacheBytes.of(key.secretHash()) + CacheBytes.of(key.displayPrefix())
                + CacheBytes.of(key.workspace()) + CacheBytes.of(key.name())
                + (key.allowedModels() == null ? 0 : CacheBytes.ofStrings(key.allowedModels()));
    }

    public ApiKeyService(ApiKeyRepository repository, ApplicationEventPublisher events) {
        this.repository = repository;
        this.events = events;
        toucher.scheduleWithFixedDelay(this::flushTouches, TOUCH_INTERVAL.toMillis(), TOUCH_INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** A key and its secret; the secret exists only in this value and is never stored. */
    public record CreatedKey(ApiKey key, String secret) {
    }

    /** Creates a key; {@code actorKeyId} is the admin key that asked, or null from the command line. */
    public CreatedKey create(String workspace, String name, Role role, List<String> allowedModels, String actorKeyId) {
        requireText("workspace", workspace);
        PlainIds.workspace(workspace.strip(), "workspace");
        checkName(name);
        String secret = ApiKeySecrets.newSecret();
        ApiKey key = store(secret, workspace, name, role, allowedModels);
        try {
            events.publishEvent(keyCreated(key, actorKeyId));
        } catch (RuntimeException e) {
            // Unaudited, the key must not exist: its secret has not left this method, so removing it loses nothing.
            repository.delete(key.id());
            throw e;
        }
        return new CreatedKey(key, secret);
    }

    /**
     * Makes sure an admin key with this operator-chosen secret exists (for automation that must
     * know the key before Cairn starts). Does nothing if the key is already there.
     */
    /** The audit record of a new key: never its secret. */
    static AdminAction keyCreated(ApiKey key, String actorKeyId) {
        return new AdminAction("admin.key.created", key.workspace(), actorKeyId, Map.of("key_id", key.id(),
                "name", key.name(), "role", key.role().wireName(), "allowed_models", key.allowedModels()));
    }

    /** Whether a key with this secret is stored, revoked or not. */
    public boolean exists(String secret) {
        return repository.findByHash(ApiKeySecrets.hash(secret)).isPresent();
    }

    public ApiKey ensureBootstrapAdmin(String secret) {
        if (!ApiKeySecrets.wellFormed(secret)) {
            throw new IllegalArgumentException(
                    "CAIRN_BOOTSTRAP_ADMIN_KEY must be 'ck_' followed by 32 to 128 characters of [A-Za-z0-9_-]");
        }
        return repository.findByHash(ApiKeySecrets.hash(secret))
                .orElseGet(() -> store(secret, "default", "bootstrap-admin", Role.ADMIN, List.of()));
    }

    private ApiKey store(String secret, String workspace, String name, Role role, List<String> allowedModels) {
        List<String> models = allowedModels == null ? List.of()
                : allowedModels.stream().map(String::trim).filter(m -> !m.isEmpty()).toList();
        if (models.size() > MAX_ALLOWED_MODELS) {
            throw AccessException.invalidField("allowed_models",
                    "'allowed_models' lists " + models.size() + " names; at most " + MAX_ALLOWED_MODELS + " are allowed");
        }
        for (String model : models) {
            if (model.contains(",")) {
                throw AccessException.invalidField("allowed_models", "Model names cannot contain ','");
            }
        }
        ApiKey key = new ApiKey(dev.cairn.platform.Ids.newId("key"), ApiKeySecrets.hash(secret),
                ApiKeySecrets.displayPrefix(secret), workspace.strip(), name.strip(), role, models,
                Instant.now(), null, null);
        repository.insert(key);
        return key;
    }

    public List<ApiKey> list(String workspace) {
        return repository.list(workspace);
    }

    public ApiKey revoke(String id, String actorKeyId) {
        if (!repository.revoke(id, Instant.now())) {
            throw AccessException.keyNotFound(id);
        }
        ApiKey key = repository.findById(id).orElseThrow(() -> AccessException.keyNotFound(id));
        byHash.invalidate(key.secretHash());
        events.publishEvent(new AdminAction("admin.key.revoked", key.workspace(), actorKeyId, Map.of("key_id", key.id())));
        return key;
    }

    /** Checks a secret from a request and returns who it belongs to, or throws a 401. */
    public Principal authenticate(String secret) {
        if (secret == null || secret.isBlank()) {
            throw AccessException.missingKey();
        }
        String flaw = ApiKeySecrets.flaw(secret);
        if (flaw != null) {
            throw AccessException.malformedKey(flaw);
        }
        ApiKey key = byHash.get(ApiKeySecrets.hash(secret), repository::findByHash)
                .orElseThrow(AccessException::unknownKey);
        if (key.revoked()) {
            throw AccessException.revokedKey();
        }
        pendingTouches.put(key.id(), Instant.now());
        return key.principal();
    }

    private void flushTouches() {
        for (String id : List.copyOf(pendingTouches.keySet())) {
            Instant at = pendingTouches.remove(id);
            if (at == null) {
                continue;
            }
            try {
                repository.touchLastUsed(id, at);
            } catch (RuntimeException e) {
                log.warn("Could not record last use of key {}", id, e);
            }
        }
    }

    @PreDestroy
    void close() {
        toucher.shutdown();
        flushTouches();
    }

    /** The longest key name; a name is a label for people, read in lists and in the audit log. */
    static final int MAX_NAME_LENGTH = 100;

    /**
     * A key's name is shown to people (key lists, the audit log), so it may hold no control
     * character (NUL, escape sequences) and no invisible format character (a right-to-left
     * override or isolate, a zero-width space) that would make it read as something it is not.
     */
    private static void checkName(String name) {
        requireText("name", name);
        if (name.strip().length() > MAX_NAME_LENGTH) {
            throw AccessException.invalidField("name", "'name' is longer than " + MAX_NAME_LENGTH + " characters");
        }
        int bad = name.codePoints().filter(c -> Character.getType(c) == Character.CONTROL || Character.getType(c) == Character.FORMAT)
                .findFirst().orElse(-1);
        if (bad >= 0) {
            throw AccessException.invalidField("name", "'name' contains the invisible or control character U+%04X; names are plain text"
                    .formatted(bad));
        }
    }

    private static void requireText(String field, String value) {
        if (value == null || value.isBlank()) {
            throw AccessException.invalidField(field, "'" + field + "' is required");
        }
        if (value.length() > 200) {
            throw AccessException.invalidField(field, "'" + field + "' is longer than 200 characters");
        }
    }
}
