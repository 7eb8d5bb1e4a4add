package dev.cairn.gateway;

import dev.cairn.platform.TokenCounter;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Cairn's one estimate of a request's tokens before the answer exists, counted with cl100k_base:
 * the rate limits charge it, and memory sizes what it recalls by what it leaves of the model's
 * context window. A chat prompt is the text of every message, its name and its tool calls' names
 * and arguments, plus OpenAI's few tokens of framing per message, plus the tool definitions as
 * JSON; images and audio count nothing, since their cost depends on the provider. The longest
 * answer it allows is {@code max_completion_tokens}, else {@code max_tokens}, times {@code n};
 * without either an answer is estimated at nothing, and its real length is charged when the usage
 * is known. Embeddings count their inputs.
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

    /** The prompt's tokens. */
    long prompt(ChatRequest chat) {
        long tokens = PER_REPLY;
        for (ChatMessage message : chat.messages()) {
            tokens += PER_MESSAGE + counter.count(message.text()) + text(message.json().get("name"));
            JsonNode calls = message.json().get("tool_calls");
            if (calls != null && calls.isArray()) {
                for (JsonNode call : calls) {
                    tokens += text(call.path("function").get("name")) + text(call.path("function").get("arguments"));
                }
            }
        }
        JsonNode tools = chat.body().get("tools");
        if (tools != null && tools.isArray() && !tools.isEmpty()) {
            tokens += counter.count(tools.toString());
        }
        return tokens;
    }

    /** The prompt and the longest answer it allows: what the rate limits charge before the call. */
    long admitted(ChatRequest chat, long promptTokens) {
        return promptTokens + (chat.maxAnswerTokens() == null ? 0 : (long) chat.maxAnswerTokens() * chat.choices());
    }

    long input(EmbeddingsRequest embeddings) {
        JsonNode input = embeddings.body().get("input");
        if (input.isString()) {
            return counter.count(input.stringValue());
        }
        long tokens = 0;
        for (JsonNode item : input) {
            if (item.isString()) {
                tokens += counter.count(item.stringValue());
            } else if (item.isArray()) {
                tokens += item.size(); // already tokens
            } else {
                tokens += 1; // one token of an array of token ids
            }
        }
        return tokens;
    }

    private long text(JsonNode value) {
        return value != null && value.isString() ? counter.count(value.stringValue()) : 0;
    }
}
