package dev.cairn.gateway;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import dev.cairn.gateway.routing.Attempt;
import dev.cairn.gateway.routing.Deployment;
import dev.cairn.gateway.routing.Plan;
import dev.cairn.gateway.routing.RouteAttempt;
import dev.cairn.gateway.routing.Routed;
import dev.cairn.gateway.routing.Routing;
import dev.cairn.guard.GuardException;
import dev.cairn.guard.InputGuard;
import dev.cairn.guard.InputScreening;
import dev.cairn.guard.OutputGuard;
import dev.cairn.guard.OutputScreen;
import dev.cairn.limits.Admission;
import dev.cairn.limits.KeyConcurrency;
import dev.cairn.limits.Limiter;
import dev.cairn.limits.OutputCap;
import dev.cairn.memory.ConversationMemory;
import dev.cairn.memory.Recollection;
import dev.cairn.platform.ApiError;
import dev.cairn.platform.CairnException;
import dev.cairn.platform.ErrorBodies;
import dev.cairn.platform.JsonBodies;
import dev.cairn.usage.PriceTable;
import dev.cairn.usage.UsageLedger;
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
 *   <li>admit and authenticate: done before any handler, by {@code OverloadFilter} (503
 *       {@code overloaded} when Cairn is at capacity, before anything else) and
 *       {@code ApiKeyInterceptor}; the edge hands us its principal in the {@link Caller};</li>
 *   <li>hold a slot: one of the key's requests in flight ({@link KeyConcurrency}), taken before
 *       the body is read and given back once the answer has ended, its stream included; a key
 *       with all its slots taken gets 429 {@code concurrency_limit_exceeded};</li>
 *   <li>read: the body (size-limited) parsed once into a {@link ChatRequest}, the fields Cairn
 *       interprets checked;</li>
 *   <li>bound the output: {@code n} times the answer limit within the key's
 *       {@code max-output-tokens} ({@link OutputCap}), else 400 {@code output_limit_exceeded};</li>
 *   <li>guard input: users' messages scanned under the workspace's policy, tools' results and
 *       documents as indirect sources under its {@code indirect} rule; a blocked request ends here
 *       with 400 {@code content_blocked}; redacted text is for the provider;</li>
 *   <li>plan the route: the model name to its group (a configured group, or one
 *       {@code <provider>/<model>} or alias) and the fallbacks the request names, each checked
 *       against the key's allow-list;</li>
 *   <li>best-of-n, only when {@code Cairn-Best-Of} asks: the reward model that will judge the
 *       candidates, looked up before any is paid for;</li>
 *   <li>rate-limit: the key's, workspace's, end user's and address's buckets and the budgets admit
 *       the request or end it with 429 (x-ratelimit-* headers either way);</li>
 *   <li>recall memory: for a request that names a thread, with recall on, one system message of
 *       recalled memory for the prompt;</li>
 *   <li>open the answer's guard, with its canary when the workspace wants one;</li>
 *   <li>guard memory: the recalled memory scanned as an indirect source (memory poisoning), only
 *       when there is some; a block ends the request like the input guard's;</li>
 *   <li>call: {@link Routing} chooses a deployment, retries and falls back as the failures call for;
 *       each attempt sends the body built from all of the above for its deployment's model
 *       ({@link UpstreamBody}), streaming chunk by chunk when asked (a stream is not moved to
 *       another deployment once its first event has gone on); for best-of-n, every candidate;</li>
 *   <li>choose, for best-of-n: the candidates scored, the best one the answer;</li>
 *   <li>guard output: the answer scanned under the workspace's policy as it passes (a stream
 *       holds back only what may be a finding still arriving); blocked answers become a 400 or a
 *       stream's last error event, redacted values placeholders, the caller's own values restored
 *       when asked;</li>
 *   <li>conclude, once, for success and failure alike ({@link #conclude}): the audit entry,
 *       committed before the answer completes (with {@code cairn.audit.durability: sync}); the
 *       thread's new turns into memory and the usage row, each committed before the answer ends
 *       too (a call whose records cannot be written fails with a 503 instead: docs/overload.md);
 *       metrics and the rate limits settled with the real usage and cost. So the client's next
 *       request finds its turns remembered and its buckets settled;</li>
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
    /** The deployment ({@code <provider>/<model>}) that answered, or that failed last. */
    public static final String ROUTE_HEADER = "Cairn-Route";
    /** How many calls to deployments the request took. */
    public static final String ATTEMPTS_HEADER = "Cairn-Attempts";

    private final Routing routing;
    private final InputGuard guard;
    private final OutputGuard outputGuard;
    private final KeyConcurrency concurrency;
    private final OutputCap outputCap;
    private final Limiter limits;
    private final TokenEstimate tokens;
    private final ConversationMemory memory;
    private final ExchangeAudit audit;
    private final ExchangeRecorder recorder;
    private final PriceTable prices;
    private final BestOf bestOf;

    public GatewayPipeline(Routing routing, InputGuard guard, OutputGuard outputGuard, KeyConcurrency concurrency,
                           OutputCap outputCap, Limiter limits, TokenEstimate tokens, ConversationMemory memory,
                           ExchangeAudit audit, ExchangeRecorder recorder, PriceTable prices, BestOf bestOf) {
        this.routing = routing;
        this.concurrency = concurrency;
        this.outputCap = outputCap;
        this.guard = guard;
        this.outputGuard = outputGuard;
        this.limits = limits;
        this.tokens = tokens;
        this.memory = memory;
        this.audit = audit;
        this.recorder = recorder;
        this.prices = prices;
        this.bestOf = bestOf;
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
        KeyConcurrency.Slot slot = KeyConcurrency.Slot.NONE;
        try {
            slot = concurrency.enter(caller.principal());

            ChatRequest chat = ChatRequest.of(JsonBodies.parseObject(body.read()), cairnHeaders);
            CairnHeaders headers = chat.headers();
            boolean restore = outputGuard.restoreAsked(headers.restore());
            trail = trail.read(chat.body(), chat.stream(), subject(headers, chat.user()));
            String workspace = caller.principal().workspace();

            outputCap.check(caller.principal(), chat.asked(caller.api()));

            InputScreening screening = guard.screen(workspace, chat.body().get("messages"), headers.documents());
            trail = trail.screened(screening);
            verdicts(screening, trail.requestId(), reply);

            Plan plan = routing.plan(chat.model(), chat.fallbacks(), caller.principal());
            trail = trail.routed(direct(plan));

            BestOf.Judge judge = bestOf.judge(workspace, chat);

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

            // Opened before the memory is screened: what the caller gets back restored is its own prompt's values, not memory's.
            OutputScreen output = outputGuard.open(workspace, screening, restore);
            trail = trail.guarded(output);

            if (recollection.message() != null) {
                screening = guard.screenMemory(workspace, screening, recollection.message());
                trail = trail.screened(screening);
            verdicts(screening, trail.requestId(), reply);
            }

            InputScreening screened = screening;
            StreamChain chain = chat.stream() ? StreamChain.of(trail, chat, audit.enabled(), reply.events()) : null;
            Routed<Called> routed = routing.run(plan, caller.trace(), (deployment, call, number) -> {
                routeHeaders(reply, deployment, number);
                ObjectNode upstream = UpstreamBody.chat(chat, screened, recollection, output, deployment.route());
                return chain != null ? stream(deployment.route(), upstream, call, chain)
                        : judge != null ? candidates(judge, deployment.route(), upstream, call)
                        : call(() -> deployment.route().provider().chat(upstream, call));
            });
            trail = onto(trail, routed);
            throwIfFailed(routed, reply);
            if (trail.answer() instanceof Answer.Whole whole) {
                ProviderResult given = whole.result();
                if (judge != null) {
                    BestOf.Picked picked = bestOf.pick(judge, chat.body().get("messages"), given);
                    trail = trail.picked(picked);
                    reply.header(BestOf.SCORES_HEADER, picked.scoresHeader());
                    reply.header(BestOf.CHOSEN_HEADER, Integer.toString(picked.chosen()));
                    given = picked.answer();
                }
                // Only the answer the caller gets is screened: a candidate it never sees cannot leak.
                answer = output == null ? given.body() : ScreenedAnswer.screen(given, output, trail.requestId());
            }
        } catch (ClientGoneException | IOException e) {
            // The client's connection failed while we read its body or streamed the answer.
            trail = trail.clientGone();
        } catch (RuntimeException e) {
            trail = trail.failed(e);
        }
        // Given back once the answer has ended, its stream included, and whether or not the client stayed.
        KeyConcurrency.Slot held = slot;
        try (held) {
            trail = conclude(trail);
            respond(trail, answer, reply);
        }
        return trail;
    }

    /**
     * Tells the client what the input guard did and where, in a header (verdicts that did more than
     * allow), and ends a blocked request, naming where the blocking finding was. The trail already
     * holds the screening, so the audit entry has every verdict either way.
     */
    private static void verdicts(InputScreening screening, String requestId, Reply reply) {
        String verdicts = screening.header();
        if (verdicts != null) {
            reply.header(InputScreening.VERDICTS_HEADER, verdicts);
        }
        InputScreening.Located blocking = screening.blocking();
        if (blocking != null) {
            throw GuardException.blocked(blocking.verdict().finding().category(), blocking.source(), requestId);
        }
    }

    /**
     * One attempt's outcome: how long the upstream took (in all, and to a stream's first event), what
     * it said (however far it got), why it failed, and whether the client already has part of it.
     */
    private record Called(long upstreamNanos, long latencyNanos, Answer answer, RuntimeException failure, boolean committed)
            implements Attempt.Outcome {

        @Override
        public Usage usage() {
            return answer == null ? Usage.NONE : answer.usage();
        }

        @Override
        public boolean refused() {
            return answer instanceof Answer.Whole whole && whole.filtered();
        }
    }

    /**
     * The trail with the routed call on it, its attempts and whatever the upstream answered (a failed
     * stream's usage and transcript too: the client had that part, and the tokens were spent).
     */
    private static Trail onto(Trail trail, Routed<Called> routed) {
        Called last = routed.outcome();
        return trail.called(routed.deployment() == null ? trail.target() : routed.deployment().route(),
                routed.attempts(), routed.skipped(), last == null ? 0 : last.upstreamNanos(), last == null ? null : last.answer());
    }

    /** Throws the routed call's failure, once the trail has it, for the pipeline to conclude with. */
    private static void throwIfFailed(Routed<Called> routed, Reply reply) {
        if (routed.failure() != null) {
            if (routed.attempts().isEmpty()) {
                // No deployment could be tried: the answer still says how many calls it took.
                reply.header(ATTEMPTS_HEADER, "0");
            }
            throw routed.failure();
        }
    }

    /** The deployment a plan routes to before any choice is made: a name that routes directly has one, a group not yet. */
    private static Route direct(Plan plan) {
        return plan.primary().configured() ? null : plan.primary().deployments().getFirst().route();
    }

    /** Says which deployment is answering and how many attempts it took; an attempt that fails is overwritten by the next. */
    private static void routeHeaders(Reply reply, Deployment deployment, int number) {
        reply.header(ROUTE_HEADER, deployment.name());
        reply.header(ATTEMPTS_HEADER, Integer.toString(number));
    }

    /** Calls the provider for a whole answer, timed. */
    private static Called call(Supplier<ProviderResult> provider) {
        long start = System.nanoTime();
        try {
            ProviderResult result = provider.get();
            long took = System.nanoTime() - start;
            return new Called(took, took, new Answer.Whole(result), null, false);
        } catch (RuntimeException e) {
            long took = System.nanoTime() - start;
            return new Called(took, took, null, e, false);
        }
    }

    /** Gathers one attempt's best-of candidates, timed; what came before a failure is kept with it, since it was paid for. */
    private Called candidates(BestOf.Judge judge, Route route, ObjectNode upstream, UpstreamCall call) {
        long start = System.nanoTime();
        BestOf.Gathered gathered = bestOf.gather(judge, route.provider(), upstream, call);
        long took = System.nanoTime() - start;
        return new Called(took, took, gathered.candidates() == null ? null : new Answer.Whole(gathered.candidates()),
                gathered.failure(), false);
    }

    /**
     * A stream's way to the client, built once for all its attempts: the answer's guard, the usage
     * chunk's reader and (when the audit log or memory needs one) the transcript. An attempt that
     * fails before its first event leaves them untouched, so the next attempt uses them as new.
     */
    private record StreamChain(ScreenedStream screened, StreamUsage usage, StreamTranscript transcript) {

        static StreamChain of(Trail trail, ChatRequest chat, boolean audited, Reply.EventStream events) {
            ScreenedStream screened = trail.output() == null ? null : new ScreenedStream(events, trail.output(), trail.requestId());
            StreamUsage usage = new StreamUsage(screened == null ? events : screened, chat.clientWantsUsage());
            StreamTranscript transcript = audited || trail.recollection().hasThread() ? new StreamTranscript(usage) : null;
            return new StreamChain(screened, usage, transcript);
        }

        ChunkSink head() {
            return transcript == null ? usage : transcript;
        }
    }

    /**
     * Streams one attempt's answer into the chain. The chunks before the first that carries any of
     * the answer (the role-only opening most upstreams send) are held back, so that an upstream that
     * fails after them (Anthropic's overloaded error after its message_start) is still replaced
     * without the client seeing a thing; the attempt is committed once that first chunk has gone in.
     */
    private static Called stream(Route route, ObjectNode upstream, UpstreamCall call, StreamChain chain) {
        long start = System.nanoTime();
        long[] firstAnswer = {0};
        List<ChatChunk> held = new ArrayList<>(1);
        ChunkSink head = chain.head();
        RuntimeException failure = null;
        try {
            route.provider().streamChat(upstream, call, chunk -> {
                if (firstAnswer[0] == 0) {
                    if (!chunk.carriesAnswer()) {
                        held.add(chunk);
                        return;
                    }
                    firstAnswer[0] = System.nanoTime();
                    held.forEach(head::send);
                    held.clear();
                }
                head.send(chunk);
            });
            // An answer with nothing in it (or nothing Cairn can read) still goes out whole.
            held.forEach(head::send);
            if (chain.screened() != null) {
                chain.screened().finish();
            }
        } catch (RuntimeException e) {
            failure = e;
        }
        long end = System.nanoTime();
        boolean committed = firstAnswer[0] != 0;
        return new Called(end - start, (committed ? firstAnswer[0] : end) - start,
                new Answer.Streamed(chain.transcript(), chain.usage().usage()), failure, committed);
    }

    /** One embeddings call, answered through {@code reply} (or thrown, for the edge to write). */
    void embeddings(Caller caller, CairnHeaders headers, Body body, Reply reply) {
        Trail trail = Trail.start("embeddings", caller);
        reply.header(REQUEST_ID_HEADER, trail.requestId());
        KeyConcurrency.Slot slot = KeyConcurrency.Slot.NONE;
        try {
            slot = concurrency.enter(caller.principal());

            EmbeddingsRequest embeddings = EmbeddingsRequest.of(JsonBodies.parseObject(body.read()));
            trail = trail.read(embeddings.body(), false, subject(headers, embeddings.user()));

            Plan plan = routing.plan(embeddings.model(), null, caller.principal());
            trail = trail.routed(direct(plan));

            Admission admission = limits.admit(new Limiter.Request(caller.principal(), caller.peer(), embeddings.user(),
                    () -> tokens.input(embeddings)));
            trail = trail.admitted(admission);
            admission.headers().forEach(reply::header);

            Routed<Called> routed = routing.run(plan, caller.trace(), (deployment, call, number) -> {
                routeHeaders(reply, deployment, number);
                ObjectNode upstream = UpstreamBody.embeddings(embeddings, deployment.route());
                return call(() -> deployment.route().provider().embeddings(upstream, call));
            });
            trail = onto(trail, routed);
            throwIfFailed(routed, reply);
        } catch (IOException e) {
            trail = trail.clientGone();
        } catch (RuntimeException e) {
            trail = trail.failed(e);
        }
        // Given back once the answer has ended, its stream included, and whether or not the client stayed.
        KeyConcurrency.Slot held = slot;
        try (held) {
            trail = conclude(trail);
            respond(trail, trail.answer() instanceof Answer.Whole whole ? whole.result().body() : null, reply);
        }
    }

    /**
     * The call's last steps, run once for every call, whatever became of it: the audit entry (a
     * call whose entry cannot be committed becomes that failure, and its answer is withheld), the
     * thread's new turns, then the usage ledger, metrics and rate limits, all with one cost. The
     * turns and the usage rows are committed before this returns, as the audit entry is: a call
     * whose records cannot be written fails (503) rather than be answered without them.
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
            recorded = remember(recorded);
        }
        Usage usage = recorded.usage();
        Route target = recorded.target();
        long cost = target == null ? 0
                : prices.costNanoUsd(target.qualifiedModel(), target.requestedModel(), usage.promptTokens(), usage.completionTokens());
        List<CompletableFuture<Void>> written = new ArrayList<>(1);
        written.add(recorder.record(recorded, cost));
        // Attempts before the last that cost tokens (a stream cut short, a refusal that fell back)
        // are charged to their own deployment, and count against the key's limits with the rest.
        long prompt = usage.promptTokens();
        long completion = usage.completionTokens();
        for (int i = 0; i < recorded.attempts().size() - 1; i++) {
            RouteAttempt attempt = recorded.attempts().get(i);
            Usage spent = attempt.usage();
            if (spent.promptTokens() + spent.completionTokens() > 0) {
                long attemptCost = prices.costNanoUsd(attempt.deployment(), attempt.group(), spent.promptTokens(), spent.completionTokens());
                written.add(recorder.recordAttempt(recorded, attempt, attemptCost));
                prompt += spent.promptTokens();
                completion += spent.completionTokens();
                cost += attemptCost;
            }
        }
        recorded = usageWritten(recorded, written);
        // After the usage ledger has the request, so that a budget's next sum cannot miss its cost.
        limits.settle(recorded.admission(), recorded.status(), prompt, completion, cost);
        return recorded;
    }

    /**
     * Stores the thread's new turns before the client has the end of its answer, so that its next
     * turn finds them. Turns that cannot be stored fail the call: an answer the thread would not
     * remember is not given. The audit entry, committed already, keeps the exchange as it was.
     */
    private Trail remember(Trail trail) {
        if (!trail.recollection().hasThread()) {
            return trail;
        }
        try {
            memory.capture(trail.recollection(), trail.subject(), trail.requestId(), answerText(trail));
            return trail;
        } catch (RuntimeException e) {
            log.error("Storing the turns of request {} on thread {} failed; the request fails", trail.requestId(),
                    trail.recollection().threadId(), e);
            return trail.failed(e);
        }
    }

    /**
     * Waits for the call's usage rows. A call that would have been answered fails when they cannot
     * be written; their events stay queued (the tokens were spent), so the ledger still gets them.
     */
    private static Trail usageWritten(Trail trail, List<CompletableFuture<Void>> written) {
        try {
            written.forEach(UsageLedger::awaitWritten);
            return trail;
        } catch (RuntimeException e) {
            log.error("The usage of request {} could not be recorded", trail.requestId(), e);
            return trail.succeeded() ? trail.failed(e) : trail;
        }
    }

    /** The first choice's content as the client got it: screened when the answer's guard ran; the chosen candidate's for best-of-n. */
    static String answerText(Trail trail) {
        if (trail.output() != null) {
            return trail.output().screenedText(0);
        }
        if (trail.bestOf() != null) {
            return trail.bestOf().content();
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
                if (trail.failure().cause() instanceof GatewayException gateway && gateway.retryAfter() != null) {
                    reply.header("Retry-After", Long.toString(Math.max(1, (gateway.retryAfter().toMillis() + 999) / 1000)));
                }
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
