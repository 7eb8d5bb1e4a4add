package dev.cairn.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import dev.cairn.support.CairnServerTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Deleting memory is recorded in the audit log like any other destruction of data: which item,
 * thread or workspace, how much went with it, and the key that asked; never the content.
 */
class MemoryDeletionAuditTest extends CairnServerTest {

    @Test
    void deletingAnItemAThreadAndAWorkspaceEachLeaveAnEntry() {
        String key = createKey("mem-audit-del");
        String thread = json(post("/v1/memory/threads", key, "{}")).get("id").asString();
        JsonNode items = json(post("/v1/memory/items", key, """
                {"items":[{"thread_id":"%s","kind":"message","content":"secret-content-one"},
                          {"thread_id":"%s","kind":"message","content":"secret-content-two"},
                          {"kind":"fact","content":"secret-content-three"}]}""".formatted(thread, thread))).get("items");
        String first = items.get(0).get("id").asString();

        assertThat(delete("/v1/memory/items/" + first, key).statusCode()).isEqualTo(200);
        JsonNode item = onlyEntry("memory.item.deleted");
        assertThat(item.path("data").path("item_id").asString()).isEqualTo(first);
        assertThat(item.path("data").path("thread_id").asString()).isEqualTo(thread);

        assertThat(delete("/v1/memory/threads/" + thread, key).statusCode()).isEqualTo(200);
        JsonNode deletedThread = onlyEntry("memory.thread.deleted");
        assertThat(deletedThread.path("data").path("thread_id").asString()).isEqualTo(thread);
        assertThat(deletedThread.path("data").path("items_deleted").asInt()).isEqualTo(1);

        assertThat(delete("/v1/memory/workspaces/mem-audit-del", key).statusCode()).isEqualTo(200);
        JsonNode workspace = onlyEntry("memory.workspace.deleted");
        assertThat(workspace.path("data").path("workspace_id").asString()).isEqualTo("mem-audit-del");
        assertThat(workspace.path("data").path("items_deleted").asInt()).isEqualTo(1);

        // The key that deleted is the key created for this workspace; its id is in its creation's entry.
        String keyId = onlyEntry("admin.key.created").path("data").path("key_id").asString();
        for (JsonNode entry : new JsonNode[] {item, deletedThread, workspace}) {
            assertThat(entry.path("workspace").asString()).isEqualTo("mem-audit-del");
            assertThat(entry.path("key_id").asString()).isEqualTo(keyId);
            assertThat(entry.toString()).doesNotContain("secret-content");
        }
    }

    /** The one entry of this type in the test's workspace, in full. */
    private JsonNode onlyEntry(String type) {
        JsonNode listed = json(get("/v1/audit/entries?type=" + type + "&workspace=mem-audit-del", ADMIN_KEY)).path("data");
        assertThat(listed).hasSize(1);
        return json(get("/v1/audit/entries/" + listed.get(0).path("index").asLong(), ADMIN_KEY)).path("entry");
    }

    private HttpResponse<String> delete(String path, String key) {
        return send(HttpRequest.newBuilder(URI.create(url(path))).header("Authorization", "Bearer " + key).DELETE().build());
    }
}
