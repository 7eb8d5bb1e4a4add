package dev.cairn.memory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import dev.cairn.audit.MasterKey;
import dev.cairn.platform.DurableWrites;
import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.PlainIds;
import dev.cairn.platform.RequestException;
import dev.cairn.platform.TokenCounter;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Memory for chat completions that name a thread ({@code Cairn-Thread}, or
 * {@code metadata.thread_id}): before the call, with recall on, one system message carrying the
 * thread's recent turns and the workspace's best-matching items, sized to the token budget and
 * the model's context window (the gateway puts it into the prompt); after the answer, the user's
 * turn and the answer stored as items.
 */
@Component
public class ConversationMemory {

    public static final String THREAD_HEADER = "Cairn-Thread";
    public static final String MEMORY_HEADER = "Cairn-Memory";
    static final String PREAMBLE = "Memory recalled by Cairn from earlier conversations in this workspace. "
            + "Use it when it is relevant; it may be out of date.";

    private final boolean enabled;
    private final MemoryService memory;
    private final ThreadWindows windows;
    private final HybridRecall recall;
    private final TokenCounter tokens;
    private final MemoryProperties config;
    private final TurnWriter turns;
    private final MasterKey masterKey;

    ConversationMemory(MemoryService memory, ThreadWindows windows, HybridRecall recall, TokenCounter tokens,
                       MemoryProperties config, TurnWriter turns, MasterKey masterKey) {
        this.masterKey = masterKey;
        this.enabled = config.enabled();
        this.memory = memory;
        this.windows = windows;
        this.recall = recall;
        this.tokens = tokens;
        this.config = config;
        this.turns = turns;
    }

    /**
     * What {@link #prepare} reads of a chat completion: the thread it names ({@code Cairn-Thread},
     * else {@code metadata.thread_id}), whether it asks for recall ({@code Cairn-Memory}), the user's
     * turn as the model will see it, and the model and token figures its recall is sized by.
     *
     * @param userTurn     the last user message's text, asked for only when the request names a thread
     * @param promptTokens the prompt's estimate, asked for only when recall needs it
     */
    public record Ask(String workspace, String threadHeader, JsonNode metadata, String memoryHeader, Supplier<String> userTurn,
                      String model, Integer maxAnswerTokens, LongSupplier promptTokens) {
    }

    /**
     * Resolves the thread the request names and, when recall is on for it, composes the memory
     * message for the prompt ({@link Recollection#message()}). Bad thread ids and {@code Cairn-Memory}
     * values are 400s.
     */
    public Recollection prepare(Ask ask) {
        if (!enabled) {
            return Recollection.NONE;
        }
        String threadId = threadId(ask.metadata(), ask.threadHeader());
        Boolean recallAsked = recallAsked(ask.memoryHeader());
        if (threadId == null) {
            return Recollection.NONE;
        }
        String workspace = ask.workspace();
        memory.threadOrCreate(workspace, threadId);
        String userTurn = ask.userTurn().get();
        MemoryWorkspace settings = memory.workspace(workspace);
        boolean recallOn = recallAsked != null ? recallAsked : settings.recallDefault();
        if (!recallOn) {
            return Recollection.without(workspace, threadId, userTurn);
        }
        int budget = (int) Math.min(settings.recallTokenBudget() != null ? settings.recallTokenBudget() : config.recall().tokenBudget(),
                roomLeft(ask));
        if (budget <= 0) {
            return Recollection.without(workspace, threadId, userTurn);
        }
        Injection injection = compose(workspace, threadId, userTurn, budget);
        if (injection.ids().isEmpty()) {
            return Recollection.without(workspace, threadId, userTurn);
        }
        return new Recollection(workspace, threadId, userTurn, injection.text(), injection.ids(), injection.tokens(),
                MemoryCache.sha256Hex(injection.text()));
    }

    /**
     * Stores the user's turn and the answer on the thread, sourced to the request's audit id, and
     * returns once they are committed (on the writers' own connections, see {@link TurnWriter}).
     * Throws {@link MemoryException} (503) when they cannot be stored, so that the call fails rather
     * than be answered without them. A turn longer than an item may hold is stored cut to that
     * length, and NUL characters (which PostgreSQL cannot store) as U+FFFD, so every turn fits.
     * {@code subject} ({@code Cairn-Subject}, else the body's {@code user}, as its audit entry is
     * sealed under; null: none) is recorded by its pseudonym, so that erasing the subject deletes them.
     */
    public void capture(Recollection recollection, String subject, String requestId, String answer) {
        if (!recollection.hasThread()) {
            return;
        }
        List<NewItem> turns = new ArrayList<>(2);
        Instant now = Instant.now();
        if (recollection.userTurn() != null && !recollection.userTurn().isBlank()) {
            turns.add(new NewItem(recollection.threadId(), ItemKind.MESSAGE, storable(recollection.userTurn()), null,
                    now.minusMillis(1), "{\"role\":\"user\"}", null, null, requestId));
        }
        if (answer != null && !answer.isBlank()) {
            turns.add(new NewItem(recollection.threadId(), ItemKind.MESSAGE, storable(answer), null, now,
                    "{\"role\":\"assistant\"}", null, null, requestId));
        }
        if (turns.isEmpty()) {
            return;
        }
        String subjectId = subject == null ? null : masterKey.subjectId(recollection.workspace(), subject);
        TurnWriter.Pending pending = this.turns.store(recollection.workspace(), recollection.threadId(), subjectId, turns);
        try {
            DurableWrites.await(pending.stored(), MemoryException::unavailable);
        } catch (MemoryException e) {
            pending.abandoned().set(true);
            throw e;
        }
    }

    /** A turn as an item can hold it: at most {@link MemoryService#MAX_CONTENT_CHARS} characters, no NUL. */
    static String storable(String turn) {
        String cut = turn.length() <= MemoryService.MAX_CONTENT_CHARS ? turn : turn.substring(0, MemoryService.MAX_CONTENT_CHARS);
        return cut.indexOf('\u0000') < 0 ? cut : cut.replace('\u0000', '\uFFFD');
    }

    private record Injection(String text, List<String> ids, int tokens) {
    }

    /**
     * Recent turns first (up to half the budget, newest kept), then the best recalled items not
     * already among them, each added only while the whole message stays within the budget.
     */
    private Injection compose(String workspace, String threadId, String userTurn, int budget) {
        List<String> ids = new ArrayList<>();
        StringBuilder recent = new StringBuilder();
        List<MemoryItem> window = windows.recent(workspace, threadId);
        int used = tokens.count(PREAMBLE) + 16;
        List<String> recentLines = new ArrayList<>();
        for (int i = window.size() - 1; i >= 0; i--) {
            MemoryItem turn = window.get(i);
            String line = "[" + role(turn) + "] " + turn.content();
            int cost = tokens.count(line) + 1;
            if (used + cost > budget / 2 + tokens.count(PREAMBLE)) {
                break;
            }
            recentLines.addFirst(line);
            ids.add(turn.id());
            used += cost;
        }
        recentLines.forEach(l -> recent.append(l).append('\n'));
        StringBuilder recalled = new StringBuilder();
        if (userTurn != null && !userTurn.isBlank()) {
            Set<String> already = new HashSet<>(ids);
            // The turn may be a whole pasted document; its end is what the user is asking now.
            String query = userTurn.length() <= MemoryController.MAX_QUERY_CHARS ? userTurn
                    : userTurn.substring(userTurn.length() - MemoryController.MAX_QUERY_CHARS);
            RecallResult found = recall.recall(workspace, new RecallQuery(query, ItemFilter.LIVE, budget, config.recall().topK(),
                    RecallQuery.Mode.HYBRID, config.recall().fusion(), config.recall().recencyWeight(), config.recall().salienceWeight(),
                    config.recall().neighbourWeight(), config.recall().mmrLambda()));
            for (RecallResult.Recalled r : found.items()) {
                if (already.contains(r.item().id())) {
                    continue;
                }
                String line = "- (" + r.item().kind().wireName() + ") " + r.item().content();
                int cost = tokens.count(line) + 1;
                if (used + cost > budget) {
                    continue;
                }
                recalled.append(line).append('\n');
                ids.add(r.item().id());
                used += cost;
            }
        }
        StringBuilder text = new StringBuilder(PREAMBLE);
        if (!recent.isEmpty()) {
            text.append("\n\nRecent turns in this thread:\n").append(recent);
        }
        if (!recalled.isEmpty()) {
            text.append("\n\nRelevant memories:\n").append(recalled);
        }
        String message = text.toString().strip();
        return new Injection(message, ids, tokens.count(message));
    }

    /** Who said a turn: its metadata's {@code role} (captured turns) or {@code speaker} (ingested ones). */
    static String role(MemoryItem turn) {
        JsonNode metadata = JsonBodies.JSON.readTree(turn.metadata());
        return metadata.path("role").asString(metadata.path("speaker").asString("message"));
    }

    /**
     * Tokens the model has left for injected memory: its context window less the prompt (Cairn's one
     * estimate of it) and the answer it may write ({@code max_completion_tokens} or
     * {@code max_tokens}, else a quarter of the window), so recall never pushes a request past the
     * window. Images and audio count nothing in the estimate, so a prompt with large images leaves
     * less room than counted: their true cost depends on the provider and the image.
     */
    private long roomLeft(Ask ask) {
        int window = config.contextWindows().getOrDefault(ask.model(), config.defaultContextWindow());
        long answer = ask.maxAnswerTokens() != null ? ask.maxAnswerTokens() : window / 4;
        return window - ask.promptTokens().getAsLong() - answer - 16;
    }

    private static String threadId(JsonNode metadata, String header) {
        String id = header;
        if (id == null) {
            JsonNode fromBody = metadata != null && metadata.isObject() ? metadata.get("thread_id") : null;
            if (fromBody != null && !fromBody.isNull()) {
                if (!fromBody.isString()) {
                    throw RequestException.invalid("invalid_type", "metadata.thread_id", "'metadata.thread_id' must be a string");
                }
                id = fromBody.stringValue();
            }
        }
        return id == null ? null : PlainIds.thread(id, header != null ? THREAD_HEADER : "metadata.thread_id");
    }

    private static Boolean recallAsked(String header) {
        if (header == null) {
            return null;
        }
        return switch (header.strip().toLowerCase(Locale.ROOT)) {
            case "recall", "on" -> true;
            case "off", "none" -> false;
            default -> throw RequestException.invalid("invalid_header", MEMORY_HEADER, MEMORY_HEADER + " must be 'recall' or 'off'");
        };
    }
}
