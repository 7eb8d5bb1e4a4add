package dev.cairn.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.EncodingType;
import dev.cairn.support.CairnServerTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The /v1/memory/ API through the running server: CRUD, isolation, recall, ingest and bad input. */
class MemoryApiTest extends CairnServerTest {

    private HttpResponse<String> patch(String path, String key, String body) {
        return send(HttpRequest.newBuilder(URI.create(url(path))).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").method("PATCH", HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private HttpResponse<String> delete(String path, String key) {
        return send(HttpRequest.newBuilder(URI.create(url(path))).header("Authorization", "Bearer " + key).DELETE().build());
    }

    private JsonNode ok(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 201);
        return json(response);
    }

    /** Waits until the background job has embedded the item. */
    private void awaitEmbedded(String key, String itemId) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode item = ok(get("/v1/memory/items/" + itemId, key));
            if (!item.get("embedding_model").isNull()) {
                assertThat(item.get("embedding_model").asString()).isEqualTo("all-minilm-l6-v2-q"); // memory's default local model
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("item " + itemId + " was not embedded within 60 s");
    }

    @Test
    void threadsAndItemsCanBeCreatedReadListedChangedAndDeleted() {
        String key = createKey("mem-crud");
        JsonNode thread = ok(post("/v1/memory/threads", key, """
                {"name":"Support call","metadata":{"customer":"ACME"}}"""));
        String threadId = thread.get("id").asString();
        assertThat(threadId).startsWith("thr_");
        assertThat(thread.get("metadata").get("customer").asString()).isEqualTo("ACME");

        JsonNode created = ok(post("/v1/memory/items", key, """
                {"items":[
                  {"thread_id":"%s","kind":"message","content":"The printer on floor 3 jams every morning.","external_id":"t-1",
                   "occurred_at":"2026-11-20T09:00:00Z","metadata":{"role":"user"}},
                  {"kind":"fact","content":"ACME's contract renews on 1 March."},
                  {"kind":"preference","content":"The customer prefers e-mail over phone calls.","salience":0.9}
                ]}""".formatted(threadId)));
        JsonNode items = created.get("items");
        assertThat(items).hasSize(3);
        String first = items.get(0).get("id").asString();
        assertThat(first).startsWith("mem_");
        assertThat(items.get(0).get("occurred_at").asString()).isEqualTo("2026-11-20T09:00:00Z");
        assertThat(items.get(0).get("external_id").asString()).isEqualTo("t-1");
        assertThat(items.get(1).get("salience").asDouble()).isEqualTo(0.5);
        assertThat(items.get(2).get("salience").asDouble()).isEqualTo(0.9);
        // Token counts come from cl100k_base, the tokenizer of the models behind the gateway.
        int expected = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.CL100K_BASE)
                .countTokensOrdinary("The printer on floor 3 jams every morning.");
        assertThat(items.get(0).get("tokens").asInt()).isEqualTo(expected);

        assertThat(ok(get("/v1/memory/items/" + first, key)).get("content").asString()).isEqualTo("The printer on floor 3 jams every morning.");
        JsonNode inThread = ok(get("/v1/memory/items?thread_id=" + threadId, key));
        assertThat(inThread.get("data")).hasSize(1);
        JsonNode facts = ok(get("/v1/memory/items?kind=fact,preference", key));
        assertThat(facts.get("data")).hasSize(2);
        JsonNode page1 = ok(get("/v1/memory/items?limit=2", key));
        assertThat(page1.get("data")).hasSize(2);
        assertThat(page1.get("has_more").asBoolean()).isTrue();
        JsonNode page2 = ok(get("/v1/memory/items?limit=2&after=" + page1.get("next_after").asString(), key));
        assertThat(page2.get("data")).hasSize(1);
        assertThat(page2.get("has_more").asBoolean()).isFalse();

        JsonNode changed = ok(patch("/v1/memory/items/" + first, key, """
                {"content":"The printer on floor 3 jams every Monday morning.","salience":0.8}"""));
        assertThat(changed.get("content").asString()).contains("Monday");
        assertThat(changed.get("salience").asDouble()).isEqualTo(0.8);
        assertThat(changed.get("tokens").asInt()).isGreaterThan(expected);

        assertThat(ok(patch("/v1/memory/threads/" + threadId, key, """
                {"name":"Printer issue"}""")).get("name").asString()).isEqualTo("Printer issue");
        assertThat(ok(get("/v1/memory/threads", key)).get("data")).hasSize(1);

        JsonNode deletedThread = ok(delete("/v1/memory/threads/" + threadId, key));
        assertThat(deletedThread.get("items_deleted").asInt()).isEqualTo(1);
        assertRefused(get("/v1/memory/items/" + first, key), 404, "item_not_found", null);
        assertRefused(get("/v1/memory/threads/" + threadId, key), 404, "thread_not_found", null);
        assertThat(ok(delete("/v1/memory/items/" + items.get(1).get("id").asString(), key)).get("deleted").asBoolean()).isTrue();
        assertThat(ok(get("/v1/memory/items", key)).get("data")).hasSize(1);
    }

    @Test
    void aKeySeesOnlyItsOwnWorkspace() {
        String alice = createKey("mem-alice");
        String bob = createKey("mem-bob");
        String thread = ok(post("/v1/memory/threads", alice, "{}")).get("id").asString();
        String item = ok(post("/v1/memory/items", alice, """
                {"items":[{"thread_id":"%s","kind":"fact","content":"Alice's locker code is 4711."}]}""".formatted(thread)))
                .get("items").get(0).get("id").asString();

        assertRefused(get("/v1/memory/items/" + item, bob), 404, "item_not_found", null);
        assertRefused(get("/v1/memory/threads/" + thread, bob), 404, "thread_not_found", null);
        assertRefused(delete("/v1/memory/items/" + item, bob), 404, "item_not_found", null);
        assertRefused(post("/v1/memory/items", bob, """
                {"items":[{"thread_id":"%s","kind":"fact","content":"x"}]}""".formatted(thread)), 404, "thread_not_found", null);
        assertThat(ok(get("/v1/memory/items", bob)).get("data")).isEmpty();
        JsonNode recall = ok(post("/v1/memory/recall", bob, """
                {"query":"locker code","mode":"text"}"""));
        assertThat(recall.get("items")).isEmpty();
        assertRefused(get("/v1/memory/workspaces/mem-alice", bob), 403, "workspace_not_allowed", null);
        JsonNode own = ok(get("/v1/memory/workspaces", bob));
        assertThat(own.get("data")).hasSize(1);
        assertThat(own.get("data").get(0).get("id").asString()).isEqualTo("mem-bob");
        // An admin key sees every workspace.
        List<String> all = new ArrayList<>();
        ok(get("/v1/memory/workspaces?limit=1000", ADMIN_KEY)).get("data").forEach(w -> all.add(w.get("id").asString()));
        assertThat(all).contains("mem-alice", "mem-bob");
        assertThat(ok(get("/v1/memory/items/" + item, alice)).get("content").asString()).contains("4711");

        // Thread ids chosen by clients belong to their workspace: both may use the same one.
        ok(post("/v1/memory/threads", alice, "{\"id\":\"support-1\",\"name\":\"Alice's\"}"));
        ok(post("/v1/memory/threads", bob, "{\"id\":\"support-1\",\"name\":\"Bob's\"}"));
        assertThat(ok(get("/v1/memory/threads/support-1", bob)).get("name").asString()).isEqualTo("Bob's");
        assertRefused(post("/v1/memory/threads", bob, "{\"id\":\"support-1\"}"), 409, "thread_exists", "id");
    }

    @Test
    void mmrTradesNearDuplicatesForDiversity() throws InterruptedException {
        String key = createKey("mem-mmr");
        JsonNode created = ok(post("/v1/memory/items", key, """
                {"items":[
                  {"kind":"fact","content":"The Berlin office closes at 6 pm on Fridays."},
                  {"kind":"fact","content":"On Fridays the Berlin office closes at 6 pm."},
                  {"kind":"fact","content":"Berlin office: Friday closing time is 6 pm."},
                  {"kind":"fact","content":"The Berlin office has a rooftop terrace for Friday drinks."}
                ]}"""));
        for (JsonNode item : created.get("items")) {
            awaitEmbedded(key, item.get("id").asString());
        }
        String terrace = created.get("items").get(3).get("id").asString();
        JsonNode plain = ok(post("/v1/memory/recall", key, """
                {"query":"When does the Berlin office close on Friday?","top_k":2,"mmr_lambda":1}"""));
        assertThat(plain.get("items")).extracting(i -> i.get("id").asString()).doesNotContain(terrace);
        JsonNode diverse = ok(post("/v1/memory/recall", key, """
                {"query":"When does the Berlin office close on Friday?","top_k":2,"mmr_lambda":0.3}"""));
        assertThat(diverse.get("items")).hasSize(2);
        assertThat(diverse.get("items").get(1).get("id").asString()).isEqualTo(terrace);
    }

    @Test
    void recallFindsPendingItemsByTextAndEmbeddedItemsByMeaningWithinTheBudget() throws InterruptedException {
        String key = createKey("mem-recall");
        JsonNode created = ok(post("/v1/memory/items", key, """
                {"items":[
                  {"kind":"fact","content":"Dr. Ruiz keeps a golden retriever called Biscuit at home."},
                  {"kind":"fact","content":"The quarterly report is due on the fifteenth."},
                  {"kind":"decision","content":"We chose PostgreSQL for the billing service."},
                  {"kind":"preference","content":"Tom likes his coffee black, without sugar."}
                ]}"""));
        String dog = created.get("items").get(0).get("id").asString();
        // Found by full text at once, whether or not its embedding is done yet.
        JsonNode byText = ok(post("/v1/memory/recall", key, """
                {"query":"golden retriever","token_budget":200}"""));
        assertThat(byText.get("items").get(0).get("id").asString()).isEqualTo(dog);

        for (JsonNode item : created.get("items")) {
            awaitEmbedded(key, item.get("id").asString());
        }
        // No word in common with the item: only the vector side can find it.
        String query = "Which animal lives with the physician?";
        JsonNode textOnly = ok(post("/v1/memory/recall", key, """
                {"query":"%s","mode":"text"}""".formatted(query)));
        assertThat(textOnly.get("items")).isEmpty();
        JsonNode hybrid = ok(post("/v1/memory/recall", key, """
                {"query":"%s","top_k":2,"token_budget":500}""".formatted(query)));
        assertThat(hybrid.get("items").get(0).get("id").asString()).isEqualTo(dog);
        assertThat(hybrid.get("items")).hasSize(2);
        int sum = 0;
        for (JsonNode item : hybrid.get("items")) {
            assertThat(item.get("score").asDouble()).isPositive();
            sum += item.get("tokens").asInt();
        }
        assertThat(hybrid.get("total_tokens").asInt()).isEqualTo(sum);

        // A budget below the best item's size leaves it out rather than exceed the budget.
        int dogTokens = hybrid.get("items").get(0).get("tokens").asInt();
        JsonNode tight = ok(post("/v1/memory/recall", key, """
                {"query":"%s","token_budget":%d}""".formatted(query, dogTokens - 1)));
        assertThat(tight.get("total_tokens").asInt()).isLessThanOrEqualTo(dogTokens - 1);
        tight.get("items").forEach(i -> assertThat(i.get("id").asString()).isNotEqualTo(dog));

        JsonNode onlyDecisions = ok(post("/v1/memory/recall", key, """
                {"query":"%s","kinds":["decision"]}""".formatted(query)));
        onlyDecisions.get("items").forEach(i -> assertThat(i.get("kind").asString()).isEqualTo("decision"));

        // Deleted items leave both indexes.
        ok(delete("/v1/memory/items/" + dog, key));
        JsonNode afterDelete = ok(post("/v1/memory/recall", key, """
                {"query":"%s"}""".formatted(query)));
        afterDelete.get("items").forEach(i -> assertThat(i.get("id").asString()).isNotEqualTo(dog));
        assertThat(ok(post("/v1/memory/recall", key, """
                {"query":"golden retriever","mode":"text"}""")).get("items")).isEmpty();

        // Deleting the workspace removes all of it.
        ok(delete("/v1/memory/workspaces/mem-recall", key));
        assertThat(ok(get("/v1/memory/items", key)).get("data")).isEmpty();
        assertThat(ok(post("/v1/memory/recall", key, """
                {"query":"PostgreSQL billing"}""")).get("items")).isEmpty();
    }

    @Test
    void recencyAndSalienceBoostsReorderEquallyRelevantItems() {
        String key = createKey("mem-boosts");
        JsonNode created = ok(post("/v1/memory/items", key, """
                {"items":[
                  {"kind":"fact","content":"The team standup is at 9:30.","occurred_at":"2024-01-01T00:00:00Z","salience":0.9},
                  {"kind":"fact","content":"The team standup is at 9:30.","occurred_at":"2026-11-20T00:00:00Z","salience":0.1}
                ]}"""));
        String old = created.get("items").get(0).get("id").asString();
        String recent = created.get("items").get(1).get("id").asString();
        JsonNode byRecency = ok(post("/v1/memory/recall", key, """
                {"query":"team standup","mode":"text","recency_weight":1,"salience_weight":0}"""));
        assertThat(byRecency.get("items").get(0).get("id").asString()).isEqualTo(recent);
        JsonNode bySalience = ok(post("/v1/memory/recall", key, """
                {"query":"team standup","mode":"text","recency_weight":0,"salience_weight":1}"""));
        assertThat(bySalience.get("items").get(0).get("id").asString()).isEqualTo(old);
        assertThat(bySalience.get("items").get(0).get("score").asDouble())
                .isGreaterThan(bySalience.get("items").get(1).get("score").asDouble());
    }

    @Test
    void supersedingAnItemRetiresTheOldOne() {
        String key = createKey("mem-supersede");
        String old = ok(post("/v1/memory/items", key, """
                {"items":[{"kind":"fact","content":"The office is in Lyon."}]}""")).get("items").get(0).get("id").asString();
        ok(post("/v1/memory/items", key, """
                {"items":[{"kind":"fact","content":"The office moved to Grenoble.","supersedes":"%s"}]}""".formatted(old)));
        assertThat(ok(get("/v1/memory/items/" + old, key)).get("retired_at").isNull()).isFalse();
        JsonNode recall = ok(post("/v1/memory/recall", key, """
                {"query":"office Lyon Grenoble","mode":"text"}"""));
        assertThat(recall.get("items")).hasSize(1);
        assertThat(recall.get("items").get(0).get("content").asString()).contains("Grenoble");
    }

    @Test
    void ingestChunksDocumentsAndTranscripts() {
        String key = createKey("mem-ingest");
        JsonNode markdown = ok(post("/v1/memory/ingest", key, """
                {"format":"markdown","source":"README.md","content":"# Cairn\\n\\nA gateway.\\n\\n## Install\\n\\nRun ./cairn serve.\\n\\n## Keys\\n\\nCreate one with ./cairn keys create."}"""));
        assertThat(markdown.get("items")).hasSize(3);
        markdown.get("items").forEach(i -> assertThat(i.get("kind").asString()).isEqualTo("document"));
        assertThat(markdown.get("items").get(1).get("content").asString()).contains("Install").contains("./cairn serve");
        assertThat(markdown.get("items").get(1).get("metadata").get("source").asString()).isEqualTo("README.md");

        String thread = ok(post("/v1/memory/threads", key, "{}")).get("id").asString();
        JsonNode transcript = ok(post("/v1/memory/ingest", key, """
                {"format":"transcript","thread_id":"%s","content":[
                  {"role":"user","content":"My flight lands at 6 pm."},
                  {"role":"assistant","content":"I will book the taxi for 6:30 pm."}]}""".formatted(thread)));
        assertThat(transcript.get("items")).hasSize(2);
        assertThat(transcript.get("items").get(0).get("kind").asString()).isEqualTo("message");
        assertThat(transcript.get("items").get(1).get("thread_id").asString()).isEqualTo(thread);

        JsonNode diff = ok(post("/v1/memory/ingest", key, """
                {"format":"diff","content":"diff --git a/a.txt b/a.txt\\n--- a/a.txt\\n+++ b/a.txt\\n@@ -1,2 +1,2 @@\\n-old\\n+new\\n same\\n@@ -10,1 +10,1 @@\\n-x\\n+y\\n"}"""));
        assertThat(diff.get("items")).hasSize(2);
        assertThat(diff.get("items").get(1).get("content").asString()).contains("@@ -10,1 +10,1 @@").contains("+y");

        assertRefused(post("/v1/memory/ingest", key, """
                {"format":"pdf","content":"x"}"""), 400, "invalid_format", "format");
        assertRefused(post("/v1/memory/ingest", key, """
                {"format":"transcript","content":{"not":"turns"}}"""), 400, "invalid_content", "content");
    }

    @Test
    void badInputGetsAClearErrorInTheOpenAiShape() {
        String key = createKey("mem-bad");
        assertRefused(post("/v1/memory/items", key, "{\"items\":"), 400, "invalid_json", null);
        assertRefused(post("/v1/memory/items", key, "{\"items\":{}}"), 400, "invalid_type", "items");
        assertRefused(post("/v1/memory/items", key, "{\"items\":[]}"), 400, "invalid_items", "items");
        assertRefused(post("/v1/memory/items", key, """
                {"items":[{"kind":"rumour","content":"x"}]}"""), 400, "invalid_kind", "items[0].kind");
        assertRefused(post("/v1/memory/items", key, """
                {"items":[{"kind":"fact"}]}"""), 400, "missing_field", "items[0].content");
        assertRefused(post("/v1/memory/items", key, """
                {"items":[{"kind":"fact","content":"x","salience":7}]}"""), 400, "invalid_type", "items[0].salience");
        assertRefused(post("/v1/memory/items", key, """
                {"items":[{"kind":"fact","content":"x","occurred_at":"yesterday"}]}"""), 400, "invalid_time", "items[0].occurred_at");
        assertRefused(post("/v1/memory/items", key, """
                {"items":[{"kind":"fact","content":"x","metadata":[1]}]}"""), 400, "invalid_type", "items[0].metadata");
        StringBuilder many = new StringBuilder("{\"items\":[");
        for (int i = 0; i < 1001; i++) {
            many.append(i == 0 ? "" : ",").append("{\"kind\":\"fact\",\"content\":\"f").append(i).append("\"}");
        }
        assertRefused(post("/v1/memory/items", key, many + "]}"), 400, "invalid_items", "items");
        ok(post("/v1/memory/items", key, """
                {"items":[{"kind":"fact","content":"x","external_id":"ext-1"}]}"""));
        assertRefused(post("/v1/memory/items", key, """
                {"items":[{"kind":"fact","content":"y","external_id":"ext-1"}]}"""), 409, "external_id_exists", "external_id");
        assertRefused(post("/v1/memory/threads", key, """
                {"id":"no spaces allowed"}"""), 400, "invalid_thread_id", "id");
        assertRefused(post("/v1/memory/recall", key, "{}"), 400, "missing_field", "query");
        assertRefused(post("/v1/memory/recall", key, """
                {"query":"x","thread_id":"thr_missing"}"""), 404, "thread_not_found", null);
        assertRefused(post("/v1/memory/recall", key, """
                {"query":"x","top_k":"ten"}"""), 400, "invalid_type", "top_k");
        assertRefused(get("/v1/memory/items?limit=0", key), 400, "invalid_value", "limit");
        assertRefused(get("/v1/memory/items", null), 401, "missing_api_key", null);
        assertRefused(post("/v1/memory/recall", key, "{\"query\":\"" + "why ".repeat(1001) + "\"}"), 400, "query_too_long", "query");
        assertRefused(post("/v1/memory/recall", key, """
                {"query":"x","top_k":101}"""), 400, "invalid_type", "top_k");
        assertRefused(post("/v1/memory/items", key, """
                {"items":[{"kind":"fact","content":"nul \\u0000 inside"}]}"""), 400, "invalid_content", "items[0].content");
        assertRefused(post("/v1/memory/items", key, """
                {"items":[{"kind":"fact","content":"x","occurred_at":"+999999999-01-01T00:00:00Z"}]}"""),
                400, "invalid_time", "items[0].occurred_at");
    }

    @Test
    void workspaceIdsArePlainAndReadingAnUnknownOneCreatesNothing() {
        assertRefused(post("/v1/memory/workspaces", ADMIN_KEY, "{\"id\":\"nul\\u0000inside\"}"), 400, "invalid_workspace", "id");
        assertRefused(post("/v1/memory/workspaces", ADMIN_KEY, "{\"id\":\"" + "w".repeat(129) + "\"}"), 400, "invalid_workspace", "id");
        assertRefused(post("/admin/keys", ADMIN_KEY, "{\"workspace\":\"two words\",\"name\":\"k\"}"), 400, "invalid_workspace", "workspace");

        assertRefused(get("/v1/memory/workspaces/mem-never-made", ADMIN_KEY), 404, "workspace_not_found", null);
        assertRefused(patch("/v1/memory/workspaces/mem-never-made", ADMIN_KEY, "{\"recall_default\":true}"), 404, "workspace_not_found", null);
        List<String> all = new ArrayList<>();
        ok(get("/v1/memory/workspaces?limit=1000", ADMIN_KEY)).get("data").forEach(w -> all.add(w.get("id").asString()));
        assertThat(all).doesNotContain("mem-never-made");

        // A key's own workspace is there from the start, with the default settings.
        String key = createKey("mem-own-ws");
        assertThat(ok(get("/v1/memory/workspaces/mem-own-ws", key)).get("id").asString()).isEqualTo("mem-own-ws");
        assertThat(ok(post("/v1/memory/workspaces", ADMIN_KEY, "{\"id\":\"mem-made\"}")).get("id").asString()).isEqualTo("mem-made");
        assertThat(ok(get("/v1/memory/workspaces/mem-made", ADMIN_KEY)).get("id").asString()).isEqualTo("mem-made");
    }
}
