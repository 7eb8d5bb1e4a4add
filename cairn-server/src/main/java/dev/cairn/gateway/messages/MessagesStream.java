package dev.cairn.gateway.messages;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

import dev.cairn.gateway.ChatChunk;
import dev.cairn.gateway.Reply;
import dev.cairn.platform.ErrorBodies;
import dev.cairn.platform.JsonBodies;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns the gateway's stream of chat chunks into Anthropic's stream of events, each written the
 * moment its chunk arrives: {@code message_start} and a {@code ping} with the first chunk; a
 * {@code content_block_start}, its {@code content_block_delta}s ({@code text_delta} for text,
 * {@code input_json_delta} for a tool call's arguments) and its {@code content_block_stop} for each
 * run of text and each tool call; and, when the pipeline ends the stream, {@code message_delta} with
 * the stop reason and usage, then {@code message_stop}. There is no {@code [DONE]}. The error that
 * ends a failed stream (a chunk with only an {@code error}) becomes Anthropic's {@code error} event.
 */
final class MessagesStream implements Reply.EventStream {

    private final EventWriter out;
    private final MessagesRequest asked;
    /** OpenAI's tool-call index → the content block that holds the call. */
    private final Map<Integer, Integer> toolBlocks = new HashMap<>();
    private boolean opened;
    private boolean failed;
    private int nextBlock;
    /** The content block still open, -1 for none; whether it is text. */
    private int openBlock = -1;
    private boolean openIsText;
    private JsonNode finishingChoice;
    private long inputTokens;
    private long outputTokens;

    MessagesStream(EventWriter out, MessagesRequest asked) {
        this.out = out;
        this.asked = Objects.requireNonNull(asked, "a stream is answered only once its request has been read");
    }

    @Override
    public void send(ChatChunk chunk) {
        if (failed || !chunk.isObject()) {
            // Not JSON: nothing an Anthropic client could read.
            return;
        }
        ObjectNode usage = chunk.usage();
        if (usage != null) {
            inputTokens = usage.path("prompt_tokens").asLong(inputTokens);
            outputTokens = usage.path("completion_tokens").asLong(outputTokens);
        }
        ArrayNode choices = chunk.choices();
        if (choices == null) {
            error(chunk);
            return;
        }
        if (choices.isEmpty()) {
            return; // the usage chunk: its counts go out with message_delta
        }
        open(chunk.id());
        for (JsonNode choice : choices) {
            if (choice.path("index").asInt(0) != 0) {
                continue;
            }
            JsonNode delta = choice.path("delta");
            text(delta.path("content").asString(""));
            text(delta.path("refusal").asString(""));
            for (JsonNode call : delta.path("tool_calls").values()) {
                toolCall(call);
            }
            JsonNode finish = choice.get("finish_reason");
            if (finish != null && finish.isString()) {
                finishingChoice = choice;
            }
        }
    }

    @Override
    public void done() {
        if (failed) {
            return; // the error event ended the stream
        }
        open(null);
        closeBlock();
        ObjectNode messageDelta = event("message_delta");
        ObjectNode delta = messageDelta.putObject("delta");
        if (finishingChoice != null) {
            MessagesAnswer.stop(delta, finishingChoice, asked);
        } else {
            delta.put("stop_reason", "end_turn").putNull("stop_sequence");
        }
        MessagesAnswer.usage(messageDelta.putObject("usage"), inputTokens, outputTokens);
        out.send("message_delta", messageDelta);
        out.send("message_stop", event("message_stop"));
    }

    @Override
    public boolean started() {
        return out.started();
    }

    /** message_start and a ping, once, before anything else. */
    private void open(String chatId) {
        if (opened) {
            return;
        }
        opened = true;
        ObjectNode start = event("message_start");
        ObjectNode message = MessagesAnswer.shell(MessagesAnswer.messageId(chatId == null ? "" : chatId), asked.model());
        start.set("message", message);
        message.putArray("content");
        message.putNull("stop_reason");
        message.putNull("stop_sequence");
        // The counts are known only at the end, and go out with message_delta.
        MessagesAnswer.usage(message.putObject("usage"), 0, 0);
        out.send("message_start", start);
        out.send("ping", event("ping"));
    }

    private void text(String text) {
        if (text.isEmpty()) {
            return;
        }
        if (openBlock < 0 || !openIsText) {
            closeBlock();
            ObjectNode block = JsonBodies.JSON.createObjectNode().put("type", "text").put("text", "");
            startBlock(block, true);
        }
        ObjectNode delta = blockEvent("content_block_delta", openBlock);
        delta.putObject("delta").put("type", "text_delta").put("text", text);
        out.send("content_block_delta", delta);
    }

    private void toolCall(JsonNode call) {
        int index = call.path("index").asInt(0);
        JsonNode function = call.path("function");
        Integer block = toolBlocks.get(index);
        if (block == null) {
            closeBlock();
            ObjectNode toolUse = JsonBodies.JSON.createObjectNode().put("type", "tool_use")
                    .put("id", call.path("id").asString(""))
                    .put("name", function.path("name").asString(""));
            toolUse.putObject("input");
            block = startBlock(toolUse, false);
            toolBlocks.put(index, block);
        }
        String arguments = function.path("arguments").asString("");
        if (!arguments.isEmpty()) {
            ObjectNode delta = blockEvent("content_block_delta", block);
            delta.putObject("delta").put("type", "input_json_delta").put("partial_json", arguments);
            out.send("content_block_delta", delta);
        }
    }

    private int startBlock(ObjectNode contentBlock, boolean text) {
        int index = nextBlock++;
        ObjectNode start = blockEvent("content_block_start", index);
        start.set("content_block", contentBlock);
        out.send("content_block_start", start);
        openBlock = index;
        openIsText = text;
        return index;
    }

    private void closeBlock() {
        if (openBlock >= 0) {
            out.send("content_block_stop", blockEvent("content_block_stop", openBlock));
            openBlock = -1;
        }
    }

    /**
     * A chunk without choices: the error the pipeline ends a failed stream with, in OpenAI's shape,
     * becomes Anthropic's error event; anything else carries nothing for the client.
     */
    private void error(ChatChunk chunk) {
        JsonNode error;
        try {
            error = JsonBodies.JSON.readTree(chunk.toString()).get("error");
        } catch (JacksonException e) {
            return;
        }
        if (error == null || !error.isObject()) {
            return;
        }
        failed = true;
        out.send("error", ErrorBodies.anthropicTree(ErrorBodies.anthropicType(0, error.path("type").asString(null)),
                error.path("message").asString("The stream failed")));
    }

    private static ObjectNode event(String type) {
        return JsonBodies.JSON.createObjectNode().put("type", type);
    }

    private static ObjectNode blockEvent(String type, int index) {
        return event(type).put("index", index);
    }
}
