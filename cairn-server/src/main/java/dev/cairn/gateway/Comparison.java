package dev.cairn.gateway;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.cairn.gateway.routing.Routing;
import dev.cairn.platform.Ids;
import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.RequestException;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code Cairn-Compare: <model>,<model>}: one prompt to two models, so that a pair of answers to the
 * same prompt exists to annotate. The first model, which must be the request's own {@code model},
 * answers the caller as usual (streaming too); the second is asked the same body, unstreamed, as a
 * request of its own: its own id (sent back as {@code Cairn-Compare-Request-Id}), audit entry,
 * usage and limits. Both entries carry {@code compare} {@code {id, models, position}}, so a
 * preference between them ({@code chosen_request_id}, {@code rejected_request_id}) can be given.
 * With {@code Cairn-Compare-Answer: both} the caller waits for both and gets them as the choices of
 * one answer (the second model's after the first's, each choice marked with its model and request).
 */
@Component
class Comparison {

    static final String HEADER = "Cairn-Compare";
    static final String ANSWER_HEADER = "Cairn-Compare-Answer";
    static final String PAIR_HEADER = "Cairn-Compare-Request-Id";
    private static final Logger log = LoggerFactory.getLogger(Comparison.class);

    private final GatewayPipeline pipeline;
    private final Routing routing;
    /** The second model's calls; virtual threads, since each mostly waits on its upstream. */
    private final ExecutorService seconds = Executors.newVirtualThreadPerTaskExecutor();

    Comparison(GatewayPipeline pipeline, Routing routing) {
        this.pipeline = pipeline;
        this.routing = routing;
    }

    /** What the headers ask: the two models, and whether the caller wants both answers. */
    record Ask(String first, String second, boolean both) {

        /** Null when the request asks for no comparison. */
        static Ask read(String compare, String answer) {
            if (compare == null) {
                return null;
            }
            List<String> models = List.of(compare.split(",", -1)).stream().map(String::strip).toList();
            if (models.size() != 2 || models.stream().anyMatch(String::isEmpty) || models.get(0).equals(models.get(1))) {
                throw RequestException.invalid("invalid_value", HEADER,
                        "'" + HEADER + "' must name two different models, separated by a comma: '<model>,<model>'");
            }
            if (answer != null && !answer.equals("first") && !answer.equals("both")) {
                throw RequestException.invalid("invalid_value", ANSWER_HEADER, "'" + ANSWER_HEADER + "' must be first or both");
            }
            return new Ask(models.get(0), models.get(1), "both".equals(answer));
        }
    }

    /** Runs the comparison for a request whose body has been read; the answer goes through {@code reply}, or is thrown. */
    void chatCompletion(Caller caller, CairnHeaders headers, byte[] body, Ask ask, Reply reply) {
        if (headers.bestOf() != null) {
            throw RequestException.invalid("invalid_value", BestOf.HEADER,
                    "'" + HEADER + "' and '" + BestOf.HEADER + "' each choose what the caller gets; send one of them");
        }
        ObjectNode request = JsonBodies.parseObject(body);
        JsonNode model = request.get("model");
        if (model == null || !model.isString() || !model.stringValue().equals(ask.first())) {
            throw RequestException.invalid("invalid_value", HEADER,
                    "The first model of '" + HEADER + "' must be the request's own model, '" + ask.first() + "'");
        }
        boolean stream = request.path("stream").asBoolean(false);
        if (ask.both() && stream) {
            throw RequestException.invalid("invalid_value", ANSWER_HEADER,
                    "'" + ANSWER_HEADER + ": both' gives one answer of both models' choices, which cannot be streamed");
        }
        // Refused now (404, 403) rather than as a silent failure of a call the caller never sees.
        routing.plan(ask.second(), null, caller.principal());

        String pair = Ids.newId("cmp");
        ObjectNode second = request.deepCopy();
        second.put("model", ask.second());
        second.remove("stream");
        second.remove("stream_options");
        byte[] secondBody = JsonBodies.JSON.writeValueAsBytes(second);
        KeptReply secondReply = new KeptReply();
        Caller secondCaller = new Caller(caller.principal(), caller.trace(), caller.peer(), null, entry(pair, ask, 1));
        Future<Trail> secondCall = seconds.submit(() -> pipeline.chatCompletion(secondCaller, headers, () -> secondBody, secondReply));
        reply.header(PAIR_HEADER, secondId(secondReply));

        Caller firstCaller = new Caller(caller.principal(), caller.trace(), caller.peer(), null, entry(pair, ask, 0));
        if (!ask.both()) {
            pipeline.chatCompletion(firstCaller, headers, () -> body, reply);
            return;
        }
        KeptReply firstReply = new KeptReply();
        try {
            pipeline.chatCompletion(firstCaller, headers, () -> body, firstReply);
        } finally {
            firstReply.headers().forEach(reply::header);
        }
        awaitQuietly(secondCall);
        try {
            reply.json(both(firstReply, secondReply, ask));
        } catch (IOException e) {
            // The caller left; both calls are recorded either way.
        }
    }

    /** The second call's request id: its pipeline names it first thing. */
    private static String secondId(KeptReply secondReply) {
        try {
            return secondReply.requestId().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while starting the comparison's second call", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("The comparison's second call did not start", e);
        }
    }

    /** Waits for the second call; its failure is in its own audit entry, and leaves the first answer alone. */
    private static void awaitQuietly(Future<Trail> secondCall) {
        try {
            secondCall.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            log.debug("The comparison's second call failed", e.getCause());
        }
    }

    /** The first answer with the second's choices after its own, each choice marked; usage summed. */
    private static byte[] both(KeptReply first, KeptReply second, Ask ask) {
        ObjectNode answer = (ObjectNode) JsonBodies.JSON.readTree(first.body());
        ArrayNode choices = answer.withArray("choices");
        String firstId = first.headers().get(GatewayPipeline.REQUEST_ID_HEADER);
        String secondId = second.headers().get(GatewayPipeline.REQUEST_ID_HEADER);
        choices.forEach(choice -> mark((ObjectNode) choice, ask.first(), firstId));
        if (second.body() != null) {
            JsonNode other = JsonBodies.JSON.readTree(second.body());
            for (JsonNode choice : other.path("choices")) {
                ObjectNode copy = ((ObjectNode) choice).deepCopy();
                copy.put("index", choices.size());
                choices.add(mark(copy, ask.second(), secondId));
            }
            if (answer.get("usage") instanceof ObjectNode usage && other.get("usage") instanceof ObjectNode more) {
                for (String field : List.of("prompt_tokens", "completion_tokens", "total_tokens")) {
                    usage.put(field, usage.path(field).asLong(0) + more.path(field).asLong(0));
                }
            }
        }
        return JsonBodies.JSON.writeValueAsBytes(answer);
    }

    private static ObjectNode mark(ObjectNode choice, String model, String requestId) {
        choice.putObject("cairn").put("model", model).put("request_id", requestId);
        return choice;
    }

    /** What each of the two audit entries says of the comparison. */
    private static ObjectNode entry(String pair, Ask ask, int position) {
        ObjectNode data = JsonBodies.JSON.createObjectNode();
        ObjectNode compare = data.putObject("compare").put("id", pair).put("position", position);
        compare.putArray("models").add(ask.first()).add(ask.second());
        return data;
    }

    @PreDestroy
    void close() {
        seconds.shutdown();
    }
}
