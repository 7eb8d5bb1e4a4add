package dev.cairn.memory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.github.benmanes.caffeine.cache.Cache;
import dev.cairn.platform.CacheBytes;
import dev.cairn.platform.JsonBodies;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The recent turns of a thread, which every recall-enabled chat completion on it needs: cached in
 * process, then in Redis when configured, then read from the database. Any write to a thread
 * forgets its window in both caches.
 */
@Component
public class ThreadWindows {

    /** A window a failed Redis delete left behind lives this long at most. */
    private static final Duration WINDOW_TTL = Duration.ofMinutes(10);

    private final MemoryRepository repository;
    private final MemoryCache shared;
    private final int turns;
    /**
     * Another process's writes reach this cache only by expiry: 30 s bounds how stale a window
     * can be when several Cairns share a database (this process forgets its own writes at once).
     */
    private final Cache<String, List<MemoryItem>> local;

    public ThreadWindows(MemoryRepository repository, MemoryCache shared, MemoryProperties memory) {
        this.repository = repository;
        this.shared = shared;
        this.turns = memory.recall().recentTurns();
        this.local = cache(memory.recall().windowCacheBytes().toBytes());
    }

    /** By bytes: a window is a few short turns or a few pasted documents. */
    static Cache<String, List<MemoryItem>> cache(long maxBytes) {
        return CacheBytes.<String, List<MemoryItem>>bounded(maxBytes, (key, window) -> CacheBytes.of(key) + bytes(window))
                .expireAfterWrite(Duration.ofSeconds(30)).build();
    }

    /** What a window holds on the heap: each item's strings, instants and fields. */
    static long bytes(List<MemoryItem> window) {
        long bytes = CacheBytes.OBJECT + 4L * window.size();
        for (MemoryItem item : window) {
            bytes += 80 + 4 * 24 // the item, its four instants
                    + CacheBytes.of(item.id()) + CacheBytes.of(item.workspace()) + CacheBytes.of(item.threadId())
                    + CacheBytes.of(item.content()) + CacheBytes.of(item.externalId()) + CacheBytes.of(item.metadata())
                    + CacheBytes.of(item.supersedes()) + CacheBytes.of(item.source()) + CacheBytes.of(item.embeddingModel());
        }
        return bytes;
    }

    /** The thread's last turns, oldest first. */
    public List<MemoryItem> recent(String workspace, String threadId) {
        return local.get(key(workspace, threadId), key -> {
            byte[] cached = shared.get(key);
            if (cached != null) {
                return decode(workspace, threadId, cached);
            }
            List<MemoryItem> window = repository.recentTurns(workspace, threadId, turns);
            shared.put(key, encode(window), WINDOW_TTL);
            return window;
        });
    }

    public void forget(String workspace, String threadId) {
        String key = key(workspace, threadId);
        local.invalidate(key);
        shared.delete(key);
    }

    private static String key(String workspace, String threadId) {
        return "cairn:window:" + workspace.length() + ":" + workspace + ":" + threadId;
    }

    private static byte[] encode(List<MemoryItem> window) {
        ArrayNode array = JsonBodies.JSON.createArrayNode();
        for (MemoryItem item : window) {
            ObjectNode json = array.addObject();
            json.put("id", item.id());
            json.put("kind", item.kind().wireName());
            json.put("content", item.content());
            json.put("metadata", item.metadata());
            json.put("occurred_at", item.occurredAt().toEpochMilli());
            json.put("salience", item.salience());
            json.put("source", item.source());
            json.put("tokens", item.tokens());
            json.put("embedding_model", item.embeddingModel());
            json.put("created_at", item.createdAt().toEpochMilli());
            json.put("updated_at", item.updatedAt().toEpochMilli());
        }
        return array.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static List<MemoryItem> decode(String workspace, String threadId, byte[] bytes) {
        List<MemoryItem> window = new ArrayList<>();
        for (JsonNode json : JsonBodies.JSON.readTree(bytes)) {
            window.add(new MemoryItem(json.get("id").asString(), workspace, threadId, ItemKind.stored(json.get("kind").asString()),
                    json.get("content").asString(), null, json.get("metadata").asString(),
                    Instant.ofEpochMilli(json.get("occurred_at").asLong()), json.get("salience").asDouble(), null, null,
                    json.get("source").isNull() ? null : json.get("source").asString(), json.get("tokens").asInt(),
                    json.get("embedding_model").isNull() ? null : json.get("embedding_model").asString(),
                    Instant.ofEpochMilli(json.get("created_at").asLong()), Instant.ofEpochMilli(json.get("updated_at").asLong())));
        }
        return window;
    }
}
