package dev.cairn.gateway;

import tools.jackson.databind.JsonNode;

/**
 * One message of a chat request: its role, its text (the content string, or its text parts joined
 * by newlines; images and audio have none) and the message as sent, passed on unchanged.
 */
public record ChatMessage(String role, String text, JsonNode json) {

    static ChatMessage of(JsonNode message) {
        return new ChatMessage(message.path("role").asString(""), text(message.get("content")), message);
    }

    /** A message's text: the string, or its text parts joined (images and audio have none). */
    public static String text(JsonNode content) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isString()) {
            return content.stringValue();
        }
        StringBuilder text = new StringBuilder();
        if (content.isArray()) {
            for (JsonNode part : content) {
                if ("text".equals(part.path("type").asString("")) && part.path("text").isString()) {
                    if (!text.isEmpty()) {
                        text.append('\n');
                    }
                    text.append(part.get("text").stringValue());
                }
            }
        }
        return text.toString();
    }

    /** The text of the last user message of {@code messages}; null when there is none. */
    public static String lastUserText(JsonNode messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if ("user".equals(messages.get(i).path("role").asString(""))) {
                return text(messages.get(i).get("content"));
            }
        }
        return null;
    }
}
