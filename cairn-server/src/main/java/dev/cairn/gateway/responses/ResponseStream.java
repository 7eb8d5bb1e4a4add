package dev.cairn.gateway.responses;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.cairn.gateway.ChatChunk;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns a streamed chat completion into the Responses API's events, one chunk at a time: the
 * response is created and in progress, the answer's text opens a message item and arrives as
 * {@code response.output_text.delta}s, each tool call opens a function call item whose arguments
 * arrive as {@code response.function_call_arguments.delta}s, and the end closes every item and
 * completes the response with its usage. Each event carries its {@code sequence_number}. Not
 * thread-safe: one stream's chunks come in order, from one thread.
 */
public final class ResponseStream {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ResponseObject response;
    private int sequence;
    private int nextOutput;
    private boolean opened;
    private boolean ended;
    /** The message item's output index once it is open, -1 before; closed once {@code textDone}. */
    private int textOutput = -1;
    private boolean textDone;
    private final StringBuilder text = new StringBuilder();
    /** Tool calls by the chat chunk's index. */
    private final Map<Integer, Call> calls = new TreeMap<>();
    private String finishReason;
    private JsonNode usage;
    private ObjectNode last;

    private static final class Call {
        final int position;
        final int output;
        final String callId;
        final String name;
        final StringBuilder arguments = new StringBuilder();
        boolean done;

        Call(int position, int output, String callId, String name) {
            this.position = position;
            this.output = output;
            this.callId = callId;
            this.name = name;
        }
    }

    public ResponseStream(ResponseObject response) {
        this.response = response;
    }

    /** The opening events, {@code response.created} and {@code response.in_progress}; once, before any other. */
    public List<ObjectNode> open() {
        List<ObjectNode> events = new ArrayList<>();
        if (!opened) {
            opened = true;
            events.add(event("response.created").set("response", response.inProgress()));
            events.add(event("response.in_progress").set("response", response.inProgress()));
        }
        return events;
    }

    /** The events one chat chunk makes; none for a chunk with nothing of the answer. */
    public List<ObjectNode> chunk(ChatChunk chunk) {
        List<ObjectNode> events = open();
        if (ended) {
            return events;
        }
        if (chunk.usage() != null) {
            usage = chunk.usage();
        }
        ArrayNode choices = chunk.choices();
        if (choices == null) {
            return events;
        }
        for (JsonNode choice : choices) {
            if (choice.path("index").asInt(0) != 0) {
                continue;
            }
            JsonNode delta = choice.path("delta");
            String content = delta.path("content").asString("") + delta.path("refusal").asString("");
            if (!content.isEmpty()) {
                text(content, events);
            }
            for (JsonNode call : delta.path("tool_calls")) {
                toolCall(call, events);
            }
            JsonNode reason = choice.get("finish_reason");
            if (reason != null && reason.isString()) {
                finishReason = reason.stringValue();
            }
        }
        return events;
    }

    /** The closing events: every open item done, then {@code response.completed} (or {@code response.incomplete}). */
    public List<ObjectNode> complete() {
        List<ObjectNode> events = open();
        if (ended) {
            return events;
        }
        ended = true;
        closeText(events);
        calls.values().forEach(call -> closeCall(call, events));
        ObjectNode message = NODES.objectNode().put("role", "assistant");
        if (textOutput >= 0 || calls.isEmpty()) {
            message.put("content", text.toString());
        }
        if (!calls.isEmpty()) {
            ArrayNode toolCalls = message.putArray("tool_calls");
            for (Call call : calls.values()) {
                toolCalls.addObject().put("id", call.callId).put("type", "function").putObject("function")
                        .put("name", call.name).put("arguments", call.arguments.toString());
            }
        }
        last = response.finished(message, finishReason, usage);
        String status = last.path("status").asString();
        events.add(event(status.equals("incomplete") ? "response.incomplete" : "response.completed").set("response", last));
        return events;
    }

    /** The event that ends a stream that failed after it started: {@code response.failed}, with the error. */
    public List<ObjectNode> fail(JsonNode error) {
        List<ObjectNode> events = open();
        if (ended) {
            return events;
        }
        ended = true;
        last = response.failed(error);
        events.add(event("response.failed").set("response", last));
        return events;
    }

    /** The response as the last event gave it; null before the stream ended. */
    public ObjectNode result() {
        return last;
    }

    private void text(String delta, List<ObjectNode> events) {
        if (textOutput < 0) {
            textOutput = nextOutput++;
            ObjectNode item = NODES.objectNode().put("id", response.messageItemId()).put("type", "message")
                    .put("role", "assistant").put("status", "in_progress");
            item.putArray("content");
            events.add(event("response.output_item.added").put("output_index", textOutput).set("item", item));
            events.add(event("response.content_part.added").put("item_id", response.messageItemId())
                    .put("output_index", textOutput).put("content_index", 0).set("part", ResponseObject.outputText("")));
        }
        if (textDone) {
            // Text after a tool call began: a chat model rarely does this; it still reaches the final response.
            text.append(delta);
            return;
        }
        text.append(delta);
        ObjectNode event = event("response.output_text.delta").put("item_id", response.messageItemId())
                .put("output_index", textOutput).put("content_index", 0).put("delta", delta);
        event.putArray("logprobs");
        events.add(event);
    }

    private void toolCall(JsonNode delta, List<ObjectNode> events) {
        int index = delta.path("index").asInt(calls.size());
        Call call = calls.get(index);
        if (call == null) {
            closeText(events);
            call = new Call(calls.size(), nextOutput++, delta.path("id").asString(""),
                    delta.path("function").path("name").asString(""));
            calls.put(index, call);
            events.add(event("response.output_item.added").put("output_index", call.output)
                    .set("item", response.functionCall(call.position, call.callId, call.name, "", "in_progress")));
        }
        String arguments = delta.path("function").path("arguments").asString("");
        if (!arguments.isEmpty()) {
            call.arguments.append(arguments);
            events.add(event("response.function_call_arguments.delta").put("item_id", response.callItemId(call.position))
                    .put("output_index", call.output).put("delta", arguments));
        }
    }

    private void closeText(List<ObjectNode> events) {
        if (textOutput < 0 || textDone) {
            return;
        }
        textDone = true;
        String id = response.messageItemId();
        ObjectNode done = event("response.output_text.done").put("item_id", id).put("output_index", textOutput)
                .put("content_index", 0).put("text", text.toString());
        done.putArray("logprobs");
        events.add(done);
        events.add(event("response.content_part.done").put("item_id", id).put("output_index", textOutput)
                .put("content_index", 0).set("part", ResponseObject.outputText(text.toString())));
        ObjectNode item = NODES.objectNode().put("id", id).put("type", "message").put("role", "assistant").put("status", "completed");
        item.putArray("content").add(ResponseObject.outputText(text.toString()));
        events.add(event("response.output_item.done").put("output_index", textOutput).set("item", item));
    }

    private void closeCall(Call call, List<ObjectNode> events) {
        if (call.done) {
            return;
        }
        call.done = true;
        String arguments = call.arguments.toString();
        events.add(event("response.function_call_arguments.done").put("item_id", response.callItemId(call.position))
                .put("output_index", call.output).put("name", call.name).put("arguments", arguments));
        events.add(event("response.output_item.done").put("output_index", call.output)
                .set("item", response.functionCall(call.position, call.callId, call.name, arguments, "completed")));
    }

    private ObjectNode event(String type) {
        return NODES.objectNode().put("type", type).put("sequence_number", sequence++);
    }
}
