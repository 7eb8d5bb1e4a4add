package dev.cairn.gateway;

import java.io.IOException;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import dev.cairn.guard.GuardException;
import dev.cairn.guard.InputGuard;
import dev.cairn.guard.InputScreening;
import dev.cairn.guard.OutputGuard;
import dev.cairn.guard.OutputScreen;
import dev.cairn.limits.Admission;
import dev.cairn.limits.Limiter;
import dev.cairn.memory.ConversationMemory;
import dev.cairn.memory.Recollection;
import dev.cairn.platform.ApiError;
import dev.cairn.platform.CairnException;
import dev.cairn.platform.ErrorBodies;
import dev.cairn.platform.JsonBodies;
import dev.cairn.usage.PriceTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The whole path of a gateway call, in order, in one place. Each step returns a value and the
 * {@link Trail} gathers them; nothing is changed in place.
 *
 * <ol>
 *   <li>authenticate: done before any handler by {@code ApiKeyInterceptor}; the edge hands us its
 *       principal in the {@link Caller};</li>
 *   <li>read: the body (size-limited) parsed once into a {@link ChatRequest}, the fields Cairn
 *       interprets checked;</li>
 *   <li>guard input: users' and tools' messages scanned under the workspace's policy; a blocked
 *       request ends here with 400 {@code content_blocked}; redacted text is for the provider;</li>
 *   <li>route: model name to provider, checked against the key's allow-list;</li>
 *   <li>rate-limit: the key's, workspace's, end user's and address's buckets and the budgets admit
 *       the request or end it with 429 (x-ratelimit-* headers either way);</li>
 *   <li>recall memory: for a request that names a thread, with recall on, one system message of
 *       recalled memory for the prompt;</li>
 *   <li>open the answer's guard, with its canary when the workspace wants one;</li>
 *   <li>call the provider with the body built from all of the above ({@link UpstreamBody}),
 *       streaming chunk by chunk when asked;</li>
 *   <li>guard output: the answer scanned under the workspace's policy as it passes (a stream
 *       holds back only what may be a finding still arriving); blocked answers become a 400 or a
 *       stream's last error event, redacted values placeholders, the caller's own values restored
 *       when asked;</li>
 *   <li>conclude, once, for success and failure alike ({@link #conclude}): the audit entry,
 *       committed before the answer completes (with {@code cairn.audit.durability: sync}); the
 *       thread's new turns into memory; the usage ledger, metrics and the rate limits settled with
 *       the real usage and cost. All before the answer ends, so the client's next request finds its
 *       turns remembered and its buckets settled;</li>
 *   <li>respond: the answer, or the error (thrown for the edge to write, or a stream's last event).</li>
 * </ol>
 */
@Component
public class GatewayPipeline {

    private static final Logger log = LoggerFactory.getLogger(GatewayPipeline.class);

    /** Names the request's audit entry: {@code GET /v1/audit/requests/{id}}. */
    public static final String REQUEST_ID_HEADER = "Cairn-Request-Id";
    /** The ids of the memory items injected into the prompt, comma-separated. */
    public static final String MEMORY_ITEMS_HEADER = "Cairn-Memory-Items";

    private final ModelRouter router;
    private final InputGuard guard;
    private final OutputGuard outputGuard;
    private final Limiter limits;
    private final TokenEstimate tokens;
    private final ConversationMemory memory;
    private final ExchangeAudit audit;
    private final ExchangeRecorder recorder;
    private final PriceTable prices;

    public GatewayPipeline(ModelRouter router, InputGuard guard, OutputGuard outputGuard, Limiter limits, TokenEstimate tokens,
                           ConversationMemory memory, ExchangeAudit audit, ExchangeRecorder recorder, PriceTable prices) {
        this.router = router;
        this.guard = guard;
        this.outputGuard = outputGuard;
        this.limits = limits;
        this.tokens = tokens;
        this.memory = memory;
        this.audit = audit;
        this.recorder = recorder;
        this.prices = prices;
    }

    /** Reads the request's body, once; a body over the limit is a 413 before it is all read. */
    @FunctionalInterface
    interface Body {
        byte[] read() throws IOException;
    }

    /**
     * One chat completion, answered through {@code reply} (or thrown, for the edge to write);
     * returns the call as concluded, for a caller inside Cairn that reads its answer.
     */
    Trail chatCompletion(Caller caller, CairnHeaders cairnHeaders, Body body, Reply reply) {
        Trail trail = Trail.start("chat.completions", caller);
        reply.header(REQUEST_ID_HEADER, trail.requestId());
        byte[] answer = null;
        try {
            ChatRequest chat = ChatRequest.of(JsonBodies.parseObject(body.read()), cairnHeaders);
            CairnHeaders headers = chat.headers();
            boolean restore = outputGuard.restoreAsked(headers.restore());
            trail = trail.read(chat.body(), chat.stream(), subject(headers, chat.user()));
            String workspace = caller.principal().workspace();

            InputScreening screening = guard.screen(workspace, chat.body().get("messages"));
            trail = trail.screened(screening);
            if (screening.blocked()) {
                throw GuardException.blocked(screening.blockingCategory(), trail.requestId());
            }

            Route route = router.route(chat.model(), caller.principal());
            router.checkFallbacks(chat.body().get("models"), route, caller.principal());
            trail = trail.routed(route);

            LongSupplier promptTokens = once(() -> tokens.prompt(chat));
            Admission admission = limits.admit(new Limiter.Request(caller.principal(), caller.peer(), chat.user(),
                    () -> tokens.admitted(chat, promptTokens.getAsLong())));
            trail = trail.admitted(admission);
            admission.headers().forEach(reply::header);

            // The user's turn as the model sees it: redacted when the guard redacted it.
            JsonNode userMessages = screening.redactedMessages() != null ? screening.redactedMessages() : chat.body().get("messages");
            Recollection recollection = memory.prepare(new ConversationMemory.Ask(workspace, headers.thread(),
                    chat.body().get("metadata"), headers.memory(), () -> ChatMessage.lastUserText(userMessages), chat.model(),
                    chat.maxAnswerTokens(), promptTokens));
            trail = trail.recalled(recollection);
            if (!recollection.injectedIds().isEmpty()) {
                reply.header(MEMORY_ITEMS_HEADER, String.join(",", recollection.injectedIds()));
            }

            OutputScreen output = outputGuard.open(workspace, screening, restore);
            trail = trail.guarded(output);

            ObjectNode upstream = UpstreamBody.chat(chat, screening, recollection, output, route);
            Called called = chat.stream() ? stream(trail, chat, upstream, reply.events())
                    : call(() -> route.provider().chat(upstream, caller.trace()));
            trail = called.onto(trail);
            if (called.answer() instanceof Answer.Whole whole) {
                answer = output == null ? whole.result().body() : ScreenedAnswer.screen(whole.result(), output, trail.requestId());
            }
        } catch (ClientGoneException | IOException e) {
            // The client's connection failed while we read its body or streamed the answer.
            trail = trail.clientGone();
        } catch (RuntimeException e) {
            trail = trail.failed(e);
        }
        trail = conclude(trail);
        respond(trail, answer, reply);
        return trail;
    }

    /** A provider call's outcome: how long it took, what the upstream said (however far it got) and why it failed. */
    private record Called(long upstreamNanos, Answer answer, RuntimeException failure) {

        /** The trail with the call on it; throws the call's failure, if any, once it is noted. */
        Trail onto(Trail trail) {
            Trail called = trail.called(upstreamNanos, answer);
            if (failure != null) {
                throw failure;
            }
            return called;
        }
    }

    /** Calls the provider for a whole answer, timed. */
    private static Called call(Supplier<ProviderResult> provider) {
        long start = System.nanoTime();
        try {
            ProviderResult result = provider.get();
            return new Called(System.nanoTime() - start, new Answer.Whole(result), null);
        } catch (RuntimeException e) {
            return new Called(System.nanoTime() - start, null, e);
        }
    }

    /**
     * Streams the answer through the answer's guard, the usage chunk's reader and (when the audit
     * log or memory needs one) the transcript, to the client.
     */
    private Called stream(Trail trail, ChatRequest chat, ObjectNode upstream, Reply.EventStream events) {
        ScreenedStream screened = trail.output() == null ? null : new ScreenedStream(events, trail.output(), trail.requestId());
        StreamUsage usage = new StreamUsage(screened == null ? events : screened, chat.clientWantsUsage());
        StreamTranscript transcript = audit.enabled() || trail.recollection().hasThread() ? new StreamTranscript(usage) : null;
        long start = System.nanoTime();
        RuntimeException failure = null;
        try {
            trail.target().provider().streamChat(upstream, trail.caller().trace(), transcript == null ? usage : transcript);
            if (screened != null) {
                screened.finish();
            }
        } catch (RuntimeException e) {
            failure = e;
        }
        return new Called(System.nanoTime() - start, new Answer.Streamed(transcript, usage.usage()), failure);
    }

    /** One embeddings call, answered through {@code reply} (or thrown, for the edge to write). */
    void embeddings(Caller caller, CairnHeaders headers, Body body, Reply reply) {
        Trail trail = Trail.start("embeddings", caller);
        reply.header(REQUEST_ID_HEADER, trail.requestId());
        try {
            EmbeddingsRequest embeddings = EmbeddingsRequest.of(JsonBodies.parseObject(body.read()));
            trail = trail.read(embeddings.body(), false, subject(headers, embeddings.user()));

            Route route = router.route(embeddings.model(), caller.principal());
            trail = trail.routed(route);

            Admission admission = limits.admit(new Limiter.Request(caller.principal(), caller.peer(), embeddings.user(),
                    () -> tokens.input(embeddings)));
            trail = trail.admitted(admission);
            admission.headers().forEach(reply::header);

            ObjectNode upstream = UpstreamBody.embeddings(embeddings, route);
            trail = call(() -> route.provider().embeddings(upstream, caller.trace())).onto(trail);
        } catch (IOException e) {
            trail = trail.clientGone();
        } catch (RuntimeException e) {
            trail = trail.failed(e);
        }
        trail = conclude(trail);
        respond(trail, trail.answer() instanceof Answer.Whole whole ? whole.result().body() : null, reply);
    }

    /**
     * The call's last steps, run once for every call, whatever became of it: the audit entry (a
     * call whose entry cannot be committed becomes that failure, and its answer is withheld), the
     * thread's new turns, then the usage ledger, metrics and rate limits, all with one cost.
     */
    private Trail conclude(Trail trail) {
        Trail recorded;
        try {
            recorded = audit.record(trail);
        } catch (RuntimeException e) {
            if (trail.status() == Trail.CLIENT_GONE.status()) {
                // Nobody is waiting to be told.
                log.error("Could not record request {} in the audit log", trail.requestId(), e);
                recorded = trail;
            } else {
                recorded = trail.failed(e);
            }
        }
        if (recorded.succeeded()) {
            remember(recorded);
        }
        Usage usage = recorded.usage();
        Route target = recorded.target();
        long cost = target == null ? 0
                : prices.costNanoUsd(target.requestedModel(), target.qualifiedModel(), usage.promptTokens(), usage.completionTokens());
        recorder.record(recorded, cost);
        // After the usage ledger has the request, so that a budget's next sum cannot miss its cost.
        limits.settle(recorded.admission(), recorded.status(), usage.promptTokens(), usage.completionTokens(), cost);
        return recorded;
    }

    /**
     * Stores the thread's new turns before the client has the end of its answer, so that its next
     * turn finds them; a failure here costs the memory, not the answer.
     */
    private void remember(Trail trail) {
        if (!trail.recollection().hasThread()) {
            return;
        }
        try {
            memory.capture(trail.recollection(), trail.requestId(), answerText(trail));
        } catch (RuntimeException e) {
            log.warn("Storing the turns of request {} on thread {} failed", trail.requestId(), trail.recollection().threadId(), e);
        }
    }

    /** The first choice's content as the client got it: screened when the answer's guard ran. */
    static String answerText(Trail trail) {
        if (trail.output() != null) {
            return trail.output().screenedText(0);
        }
        return trail.answer() == null ? null : trail.answer().content();
    }

    /** The answer, or the failure: thrown for the edge to write, or, once a stream has started, its last event. */
    private static void respond(Trail trail, byte[] answer, Reply reply) {
        if (trail.status() == Trail.CLIENT_GONE.status()) {
            return;
        }
        try {
            if (trail.stream()) {
                Reply.EventStream events = reply.events();
                if (trail.succeeded()) {
                    events.done();
                    return;
                }
                if (events.started()) {
                    // Headers are gone: the error travels as the stream's last event.
                    if (!(trail.failure().cause() instanceof CairnException)) {
                        log.error("Stream failed after it started", trail.failure().cause());
                    }
                    sendStreamError(events, trail.failure().error());
                    return;
                }
            }
            if (!trail.succeeded()) {
                throw trail.failure().cause();
            }
            reply.json(answer);
        } catch (ClientGoneException | IOException e) {
            // The client left as the answer went out; the call is recorded either way.
        }
    }

    private static void sendStreamError(Reply.EventStream events, ApiError error) {
        events.send(ChatChunk.of(ErrorBodies.tree(error)));
        events.done();
    }

    /** Whose content this is, for sealing: {@code Cairn-Subject}, else the end user; null for the workspace. */
    private static String subject(CairnHeaders headers, String user) {
        return headers.subject() != null && !headers.subject().isBlank() ? headers.subject().strip()
                : user != null && !user.isBlank() ? user : null;
    }

    /** {@code estimate} computed at its first use and remembered: the limits and memory may both ask. */
    private static LongSupplier once(LongSupplier estimate) {
        long[] value = {-1};
        return () -> {
            if (value[0] < 0) {
                value[0] = estimate.getAsLong();
            }
            return value[0];
        };
    }
}
