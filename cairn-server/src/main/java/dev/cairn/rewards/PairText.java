package dev.cairn.rewards;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import dev.cairn.datasets.DatasetPreferences;
import tools.jackson.databind.JsonNode;

/**
 * Turns a dataset's chat messages into the plain texts a reward model embeds, and decides which
 * pairs are held out for validation: by a hash of the prompt, so the same prompt is never on both
 * sides and the split does not depend on order or on a random draw.
 */
public final class PairText {

    private PairText() {
    }

    static PreferencePair of(DatasetPreferences.Pair pair) {
        return new PreferencePair(prompt(pair.prompt()), answer(pair.chosen()), answer(pair.rejected()));
    }

    /** The conversation as "role: text" turns, one blank line apart. */
    static String prompt(JsonNode messages) {
        StringBuilder text = new StringBuilder();
        for (JsonNode message : messages) {
            if (!text.isEmpty()) {
                text.append("\n\n");
            }
            text.append(message.path("role").asString("user")).append(": ").append(answer(message));
        }
        return text.toString();
    }

    /** A message's text: its content, its text parts joined, or its tool calls as JSON. */
    static String answer(JsonNode message) {
        JsonNode content = message.path("content");
        if (content.isString()) {
            return content.asString();
        }
        StringBuilder text = new StringBuilder();
        if (content.isArray()) {
            for (JsonNode part : content) {
                if (part.path("text").isString()) {
                    text.append(text.isEmpty() ? "" : "\n").append(part.path("text").asString());
                }
            }
        }
        if (message.path("tool_calls").isArray() && !message.path("tool_calls").isEmpty()) {
            text.append(text.isEmpty() ? "" : "\n").append(message.path("tool_calls").toString());
        }
        return text.toString();
    }

    /** Whether the pair of this prompt is held out when {@code fraction} of all are. */
    public static boolean heldOut(String prompt, double fraction) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(prompt.getBytes(StandardCharsets.UTF_8));
            long top = 0;
            for (int i = 0; i < 7; i++) {
                top = (top << 8) | (hash[i] & 0xFF);
            }
            return top < fraction * (1L << 56);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
