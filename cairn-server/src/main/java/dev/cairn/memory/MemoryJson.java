package dev.cairn.memory;

import java.time.Instant;
import java.util.List;
import java.util.function.Function;

import dev.cairn.platform.JsonBodies;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The wire form of workspaces, threads, items and lists of them. */
final class MemoryJson {

    private MemoryJson() {
    }

    static ObjectNode workspace(MemoryWorkspace w) {
        ObjectNode json = JsonBodies.JSON.createObjectNode();
        json.put("id", w.id());
        json.put("object", "memory.workspace");
        json.set("metadata", JsonBodies.JSON.readTree(w.metadata()));
        json.put("recall_default", w.recallDefault());
        if (w.recallTokenBudget() == null) {
            json.putNull("recall_token_budget");
        } else {
            json.put("recall_token_budget", w.recallTokenBudget());
        }
        json.put("created_at", iso(w.createdAt()));
        json.put("updated_at", iso(w.updatedAt()));
        return json;
    }

    static ObjectNode thread(MemoryThread t) {
        ObjectNode json = JsonBodies.JSON.createObjectNode();
        json.put("id", t.id());
        json.put("object", "memory.thread");
        json.put("workspace", t.workspace());
        json.put("name", t.name());
        json.set("metadata", JsonBodies.JSON.readTree(t.metadata()));
        json.put("created_at", iso(t.createdAt()));
        json.put("updated_at", iso(t.updatedAt()));
        return json;
    }

    static ObjectNode item(MemoryItem i) {
        ObjectNode json = JsonBodies.JSON.createObjectNode();
        json.put("id", i.id());
        json.put("object", "memory.item");
        json.put("workspace", i.workspace());
        json.put("thread_id", i.threadId());
        json.put("kind", i.kind().wireName());
        json.put("content", i.content());
        json.put("external_id", i.externalId());
        json.set("metadata", JsonBodies.JSON.readTree(i.metadata()));
        json.put("occurred_at", iso(i.occurredAt()));
        json.put("salience", i.salience());
        json.put("supersedes", i.supersedes());
        json.put("retired_at", iso(i.retiredAt()));
        json.put("source", i.source());
        json.put("tokens", i.tokens());
        json.put("embedding_model", i.embeddingModel());
        json.put("created_at", iso(i.createdAt()));
        json.put("updated_at", iso(i.updatedAt()));
        return json;
    }

    static ObjectNode recall(RecallResult result) {
        ObjectNode json = JsonBodies.JSON.createObjectNode();
        json.put("object", "memory.recall");
        ArrayNode items = json.putArray("items");
        for (RecallResult.Recalled r : result.items()) {
            MemoryItem i = r.item();
            ObjectNode item = items.addObject();
            item.put("id", i.id());
            item.put("external_id", i.externalId());
            item.put("kind", i.kind().wireName());
            item.put("content", i.content());
            item.put("score", Math.round(r.score() * 1e6) / 1e6);
            item.put("tokens", i.tokens());
            item.put("thread_id", i.threadId());
            item.put("occurred_at", iso(i.occurredAt()));
            item.set("metadata", JsonBodies.JSON.readTree(i.metadata()));
        }
        json.put("total_tokens", result.totalTokens());
        return json;
    }

    /** {@code {"object":"list","data":[…],"has_more":…,"next_after":…}} from a page fetched with one extra row. */
    static <T> ObjectNode page(List<T> fetched, int limit, Function<T, ObjectNode> describe, Function<T, String> cursor) {
        ObjectNode json = JsonBodies.JSON.createObjectNode();
        json.put("object", "list");
        ArrayNode data = json.putArray("data");
        List<T> page = fetched.subList(0, Math.min(limit, fetched.size()));
        page.forEach(x -> data.add(describe.apply(x)));
        boolean more = fetched.size() > limit;
        json.put("has_more", more);
        json.put("next_after", more ? cursor.apply(page.getLast()) : null);
        return json;
    }

    static String iso(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
