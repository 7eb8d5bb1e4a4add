package dev.cairn.gateway.completions;

import java.util.Map;
import java.util.Set;

import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.RequestException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A legacy text completion request ({@code POST /v1/completions}) read once, and the chat completion
 * request that serves it: the prompt as the one user message, every other field as it came. Only
 * what this API has and chat has not is read here; the chat request is validated by the gateway as
 * any other, so a bad {@code model}, {@code n} or {@code stream} is refused in the same words.
 *
 * @param prompt the one prompt, as the client sent it
 * @param echo   whether each choice's text starts with the prompt
 * @param chat   the chat completions body the gateway runs for this request
 */
public record CompletionRequest(String prompt, boolean echo, ObjectNode chat) {

    /** OpenAI's documented default for this API; chat has none, so without it a model would write to its own limit. */
    public static final int DEFAULT_MAX_TOKENS = 16;

    /** The fields chat completions lack: read here, never sent on. */
    private static final Set<String> OWN_FIELDS = Set.of("prompt", "echo", "suffix", "logprobs", "best_of");

    // Refused rather than dropped: a client that asked for them would be misled by an answer without them.
    private static final String NO_SUFFIX = "Chat models cannot insert text before a suffix, and Cairn answers completions"
            + " through chat models; leave 'suffix' out or null";
    private static final String NO_LOGPROBS = "Cairn answers completions through chat models and does not translate their"
            + " log probabilities into this API's form; leave 'logprobs' out, null or 0";
    private static final String NO_BEST_OF = "Chat models have no server-side best_of; send 'best_of' equal to 'n' or leave"
            + " it out (the Cairn-Best-Of header picks the best of n candidates with a reward model)";

    public static CompletionRequest of(ObjectNode body) {
        String prompt = prompt(body.get("prompt"));
        boolean echo = echo(body.get("echo"));
        if (!isAbsent(body.get("suffix"))) {
            throw unsupported("suffix", NO_SUFFIX);
        }
        JsonNode logprobs = body.get("logprobs");
        if (!isAbsent(logprobs) && !(logprobs.isIntegralNumber() && logprobs.canConvertToInt() && logprobs.intValue() == 0)) {
            throw unsupported("logprobs", NO_LOGPROBS);
        }
        checkBestOf(body);
        if (body.has("messages")) {
            throw RequestException.invalid("invalid_value", "messages",
                    "'messages' belongs to /v1/chat/completions; a completion takes its text in 'prompt'");
        }

        ObjectNode chat = JsonBodies.JSON.createObjectNode();
        if (body.has("model")) {
            chat.set("model", body.get("model"));
        }
        chat.putArray("messages").addObject().put("role", "user").put("content", prompt);
        for (Map.Entry<String, JsonNode> field : body.properties()) {
            if (!OWN_FIELDS.contains(field.getKey()) && !field.getKey().equals("model")) {
                chat.set(field.getKey(), field.getValue());
            }
        }
        if (isAbsent(chat.get("max_tokens")) && isAbsent(chat.get("max_completion_tokens"))) {
            chat.put("max_tokens", DEFAULT_MAX_TOKENS);
        }
        return new CompletionRequest(prompt, echo, chat);
    }

    /** A string, or an array of exactly one string: a chat request answers one prompt. */
    private static String prompt(JsonNode prompt) {
        if (isAbsent(prompt)) {
            throw RequestException.invalid("missing_required_parameter", "prompt", "'prompt' is required");
        }
        if (prompt.isString()) {
            return prompt.stringValue();
        }
        if (!prompt.isArray()) {
            throw RequestException.invalid("invalid_type", "prompt", "'prompt' must be a string or an array of one string");
        }
        if (prompt.size() == 1 && prompt.get(0).isString()) {
            return prompt.get(0).stringValue();
        }
        if (prompt.size() > 0 && (prompt.get(0).isNumber() || prompt.get(0).isArray())) {
            throw RequestException.invalid("unsupported_value", "prompt", "'prompt' as token ids is not supported:"
                    + " Cairn answers completions through chat models, which take text; send the prompt as a string");
        }
        if (prompt.size() > 1) {
            throw RequestException.invalid("unsupported_value", "prompt", "'prompt' holds " + prompt.size()
                    + " prompts; Cairn answers a completion through one chat request, which answers one prompt:"
                    + " send each prompt in its own request");
        }
        throw RequestException.invalid("invalid_type", "prompt", "'prompt' must be a string or an array of one string");
    }

    private static boolean echo(JsonNode echo) {
        if (isAbsent(echo)) {
            return false;
        }
        if (!echo.isBoolean()) {
            throw RequestException.invalid("invalid_type", "echo", "'echo' must be a boolean");
        }
        return echo.booleanValue();
    }

    private static void checkBestOf(ObjectNode body) {
        JsonNode bestOf = body.get("best_of");
        if (isAbsent(bestOf)) {
            return;
        }
        if (!bestOf.isIntegralNumber() || !bestOf.canConvertToInt()) {
            throw RequestException.invalid("invalid_type", "best_of", "'best_of' must be an integer");
        }
        JsonNode n = body.get("n");
        // A wrong n is the chat request's to refuse; here it only has to be the number best_of names.
        int choices = n != null && n.isIntegralNumber() && n.canConvertToInt() ? n.intValue() : 1;
        if (bestOf.intValue() != choices) {
            throw unsupported("best_of", NO_BEST_OF);
        }
    }

    private static RequestException unsupported(String field, String why) {
        return RequestException.invalid("unsupported_parameter", field, why);
    }

    private static boolean isAbsent(JsonNode value) {
        return value == null || value.isNull();
    }
}
