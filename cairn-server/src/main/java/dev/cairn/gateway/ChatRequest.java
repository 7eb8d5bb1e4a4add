package dev.cairn.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.cairn.limits.OutputCap;
import dev.cairn.platform.RequestException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A chat completion request, read once: the fields Cairn interprets as typed values, and the body as
 * the client sent it, which keeps every other field for the provider. Nothing changes the body: a
 * step that needs the provider to see something else (redacted text, recalled memory, a canary, the
 * upstream's model name) returns a value from which {@link UpstreamBody} builds a new one.
 *
 * <p>Validation covers exactly the fields read here and the shape of messages; everything else is
 * the provider's to judge.
 *
 * @param maxAnswerTokens {@code max_completion_tokens}, else {@code max_tokens}; null when neither is set
 * @param choices         how many choices the upstream is asked for: {@code n} (1 when absent), or the
 *                        candidates of {@code Cairn-Best-Of}
 * @param bestOf          the candidates of {@code Cairn-Best-Of}; 0 when the request does not ask for best-of-n
 * @param user            the end user ({@code user}) when it is a non-empty string, else null
 * @param fallbacks       the models to fall back to, in order, as the request named them
 *                        ({@code Cairn-Fallbacks}, else OpenAI-style {@code models}); null when it named none
 */
public record ChatRequest(ObjectNode body, String model, List<ChatMessage> messages, boolean stream,
                          boolean clientWantsUsage, String user, Integer maxAnswerTokens, int choices, int bestOf,
                          CairnHeaders headers, List<String> fallbacks) {

    /** OpenAI's own limit on {@code n}: every choice is held, screened and audited in full. */
    static final int MAX_CHOICES = 128;
    /** More fallbacks than this is a mistake, not a plan: each may cost a full attempt. */
    static final int MAX_FALLBACKS = 16;

    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool", "function");

    public static ChatRequest of(ObjectNode body) {
        return of(body, CairnHeaders.NONE);
    }

    public static ChatRequest of(ObjectNode body, CairnHeaders headers) {
        String model = RequestFields.requiredString(body, "model");
        JsonNode messages = body.get("messages");
        if (messages == null || messages.isNull()) {
            throw RequestException.invalid("missing_required_parameter", "messages", "'messages' is required");
        }
        if (!messages.isArray()) {
            throw RequestFields.wrongType("messages", "an array of message objects");
        }
        if (messages.isEmpty()) {
            throw RequestException.invalid("invalid_value", "messages", "'messages' must contain at least one message");
        }
        List<ChatMessage> read = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            validateMessage(messages.get(i), "messages[" + i + "]");
            read.add(ChatMessage.of(messages.get(i)));
        }
        boolean stream = RequestFields.optionalBoolean(body, "stream", false);
        boolean wantsUsage = false;
        JsonNode options = body.get("stream_options");
        if (options != null && !options.isNull()) {
            if (!options.isObject()) {
                throw RequestFields.wrongType("stream_options", "an object");
            }
            wantsUsage = RequestFields.optionalBoolean((ObjectNode) options, "include_usage", false);
        }
        Integer n = RequestFields.optionalPositiveInt(body, "n", MAX_CHOICES);
        Integer maxTokens = RequestFields.optionalPositiveInt(body, "max_tokens");
        Integer maxCompletionTokens = RequestFields.optionalPositiveInt(body, "max_completion_tokens");
        RequestFields.optionalNumber(body, "temperature");
        RequestFields.optionalNumber(body, "top_p");
        int bestOf = BestOf.candidates(headers.bestOf(), stream, n);
        return new ChatRequest(body, model, List.copyOf(read), stream, wantsUsage, RequestFields.nonEmptyString(body, "user"),
                maxCompletionTokens != null ? maxCompletionTokens : maxTokens, bestOf > 0 ? bestOf : n == null ? 1 : n, bestOf,
                headers, fallbacks(body, model, headers));
    }

    /**
     * What the request asks to have written, in the words of the API it came through ({@code api},
     * null for chat completions): the answer limit Anthropic's Messages API and Completions call
     * {@code max_tokens} and Responses {@code max_output_tokens}, its translation here
     * {@code max_completion_tokens}; chat's own, whichever the client sent. The choices are
     * {@code n}, or the candidates of {@code Cairn-Best-Of}.
     */
    public OutputCap.Asked asked(String api) {
        String answerField = switch (api == null ? "" : api) {
            case "messages", "completions" -> "max_tokens";
            case "responses" -> "max_output_tokens";
            default -> body.hasNonNull("max_completion_tokens") || !body.hasNonNull("max_tokens") ? "max_completion_tokens" : "max_tokens";
        };
        String choicesField = bestOf > 0 ? BestOf.HEADER
                : "messages".equals(api) || "responses".equals(api) ? null : "n";
        return new OutputCap.Asked(choices, maxAnswerTokens, answerField, choicesField);
    }

    /**
     * The header's list, else the body's {@code models}; a {@code models} list that starts with the
     * request's own model (as OpenRouter's clients write it) is read without it.
     */
    private static List<String> fallbacks(ObjectNode body, String model, CairnHeaders headers) {
        List<String> names = new ArrayList<>();
        if (headers.fallbacks() != null) {
            for (String name : headers.fallbacks().split(",", -1)) {
                if (name.isBlank()) {
                    throw RequestException.invalid("invalid_value", CairnHeaders.FALLBACKS, "'" + CairnHeaders.FALLBACKS
                            + "' must be model names separated by commas, with none empty");
                }
                names.add(name.strip());
            }
        } else {
            JsonNode models = body.get("models");
            if (models == null || models.isNull()) {
                return null;
            }
            if (!models.isArray()) {
                throw RequestFields.wrongType("models", "an array of model names");
            }
            for (int i = 0; i < models.size(); i++) {
                JsonNode name = models.get(i);
                if (!name.isString() || name.stringValue().isBlank()) {
                    throw RequestFields.wrongType("models[" + i + "]", "a model name");
                }
                if (i > 0 || !name.stringValue().equals(model)) {
                    names.add(name.stringValue());
                }
            }
        }
        if (names.isEmpty()) {
            // "models": ["smart"] names only the request's own model: no list of its own, so the group's fallbacks apply.
            return null;
        }
        if (names.size() > MAX_FALLBACKS) {
            throw RequestException.invalid("invalid_value", headers.fallbacks() != null ? CairnHeaders.FALLBACKS : "models",
                    "At most " + MAX_FALLBACKS + " fallbacks, not " + names.size());
        }
        return List.copyOf(names);
    }

    private static void validateMessage(JsonNode message, String path) {
        if (!message.isObject()) {
            throw RequestFields.wrongType(path, "an object with 'role' and 'content'");
        }
        JsonNode role = message.get("role");
        if (role == null || role.isNull()) {
            throw RequestException.invalid("missing_required_parameter", path + ".role", "'" + path + ".role' is required");
        }
        if (!role.isString()) {
            throw RequestFields.wrongType(path + ".role", "a string");
        }
        if (!ROLES.contains(role.stringValue())) {
            throw RequestException.invalid("invalid_value", path + ".role",
                    "'" + path + ".role' must be one of " + ROLES + ", not '" + role.stringValue() + "'");
        }
        JsonNode content = message.get("content");
        if (content != null && !content.isNull() && !content.isString() && !content.isArray()) {
            throw RequestFields.wrongType(path + ".content", "a string or an array of content parts");
        }
    }
}
