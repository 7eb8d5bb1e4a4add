package dev.cairn.limits;

import dev.cairn.platform.TokenCounter;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Tokens a request is admitted for, before the answer exists: its prompt counted with cl100k_base
 * (the text of every message, tool call and tool definition, plus OpenAI's few tokens of framing
 * per message), plus the longest answer it allows ({@code max_completion_tokens}, else
 * {@code max_tokens}, times {@code n}). Without either an answer is estimated at nothing, and its
 * real length is charged when the usage is known. Embeddings count their inputs.
 */
@Component
class TokenEstimate {

    /** OpenAI's framing: a few tokens per message, a few to prime the answer. */
    private static final int PER_MESSAGE = 3;
    private static final int PER_REPLY = 3;

    private final TokenCounter counter;

    TokenEstimate(TokenCounter counter) {
        this.counter = counter;
    }

    long of(ObjectNode body) {
        JsonNode messages = body.get("messages");
        if (messages != null && messages.isArray()) {
            return prompt(messages, body.get("tools")) + answer(body);
        }
        return input(body.get("input"));
    }

    private long prompt(JsonNode messages, JsonNode tools) {
        long tokens = PER_REPLY;
        for (JsonNode message : messages) {
            tokens += PER_MESSAGE + text(message.get("content")) + text(message.get("name"));
            JsonNode calls = message.get("tool_calls");
            if (calls != null && calls.isArray()) {
                for (JsonNode call : calls) {
                    tokens += text(call.path("function").get("name")) + text(call.path("function").get("arguments"));
                }
            }
        }
        if (tools != null && tools.isArray() && !tools.isEmpty()) {
            tokens += counter.count(tools.toString());
        }
        return tokens;
    }

    private long text(JsonNode value) {
        if (value == null) {
            return 0;
        }
        if (value.isString()) {
            return counter.count(value.stringValue());
        }
        long tokens = 0;
        if (value.isArray()) {
            for (JsonNode part : value) {
                tokens += text(part.get("text"));
            }
        }
        return tokens;
    }

    private static long answer(ObjectNode body) {
        JsonNode max = body.get("max_completion_tokens");
        if (max == null || !max.isIntegralNumber()) {
            max = body.get("max_tokens");
        }
        if (max == null || !max.isIntegralNumber()) {
            return 0;
        }
        JsonNode n = body.get("n");
        return max.longValue() * (n != null && n.isIntegralNumber() && n.longValue() > 1 ? n.longValue() : 1);
    }

    private long input(JsonNode input) {
        if (input == null) {
            return 0;
        }
        if (input.isString()) {
            return counter.count(input.stringValue());
        }
        long tokens = 0;
        if (input.isArray()) {
            for (JsonNode item : input) {
                if (item.isString()) {
                    tokens += counter.count(item.stringValue());
                } else if (item.isArray()) {
                    tokens += item.size(); // already tokens
                } else {
                    tokens += 1; // one token of an array of token ids
                }
            }
        }
        return tokens;
    }
}
