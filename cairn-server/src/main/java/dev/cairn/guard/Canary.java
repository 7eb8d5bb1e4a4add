package dev.cairn.guard;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import dev.cairn.platform.JsonBodies;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A canary for system-prompt leaks: a random word, new for every request, planted in the system
 * prompt. No answer has a reason to contain it, so one that does has repeated the system prompt.
 * Planted only when the workspace's {@code canary} rule is more than {@code allow}.
 *
 * <p>64 random bits: a model cannot guess it and an innocent answer cannot contain it by chance.
 * It is matched case-insensitively, since a model that repeats a prompt may change the case.
 */
public record Canary(String word) {

    public static final String SCANNER = "canary";
    public static final String CATEGORY = "system_prompt_leak";

    private static final SecureRandom RANDOM = new SecureRandom();

    static Canary random() {
        byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        return new Canary("cairn-canary-" + HexFormat.of().formatHex(bytes));
    }

    /**
     * The messages with the canary added to the first system (or developer) message, or as a
     * system message of its own at the start when there is none. A new array, with a copy of the
     * message it changes: the old one may be what the audit entry records as sent.
     */
    public ArrayNode plantedIn(ArrayNode original) {
        String line = "<!-- " + word + " -->";
        ArrayNode messages = original.deepCopy();
        for (JsonNode message : messages) {
            String role = message.path("role").asString("");
            if (!(role.equals("system") || role.equals("developer")) || !(message instanceof ObjectNode object)) {
                continue;
            }
            JsonNode content = object.get("content");
            if (content != null && content.isString()) {
                object.put("content", content.stringValue() + "\n" + line);
                return messages;
            }
            if (content != null && content.isArray()) {
                ((ArrayNode) content).addObject().put("type", "text").put("text", line);
                return messages;
            }
        }
        messages.insert(0, JsonBodies.JSON.createObjectNode().put("role", "system").put("content", line));
        return messages;
    }

    /** Every place the text contains the canary's word, in any case. */
    List<Finding> find(String text) {
        List<Finding> found = new ArrayList<>();
        char first = word.charAt(0);
        for (int at = 0; at + word.length() <= text.length(); at++) {
            if (Character.toLowerCase(text.charAt(at)) == first && text.regionMatches(true, at, word, 0, word.length())) {
                found.add(new Finding(SCANNER, CATEGORY, 1.0, new Span(at, at + word.length())));
                at += word.length() - 1;
            }
        }
        return found;
    }
}
