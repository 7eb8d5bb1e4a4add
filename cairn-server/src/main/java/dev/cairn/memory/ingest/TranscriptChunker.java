package dev.cairn.memory.ingest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.cairn.memory.ingest.Packer.Cut;
import dev.cairn.memory.ingest.Packer.Piece;
import tools.jackson.databind.JsonNode;

/**
 * Cuts a conversation into one message chunk per turn. Turns come as JSON (OpenAI-style
 * {@code role}/{@code content} messages, or {@code speaker}/{@code text} objects) or as plain text
 * with one {@code Name: text} line per turn. A turn longer than the limit is cut at sentences into
 * parts numbered from 1.
 */
final class TranscriptChunker {

    /**
     * A plain-text turn: a name of one to three words at the start of a line, a colon, then the text.
     * Three words at most keeps most sentences with a colon, such as {@code The reason for the delay: ...},
     * from reading as a turn; a continuation line that still looks like one can be indented.
     */
    private static final Pattern TURN = Pattern.compile(
            "^(\\p{L}[\\p{L}\\p{N}._'-]*(?: [\\p{L}\\p{N}._'-]+){0,2}):(?:[ \\t]+(.*))?$");

    private static final List<String> TIME_FIELDS = List.of("time", "timestamp", "occurred_at");

    /** One turn before it is cut: its text and what it says about itself (role, speaker, name). */
    private record Turn(int index, String text, Map<String, Object> details, Instant occurredAt, String externalId) {
    }

    /** The text of a JSON turn and how many of its content parts were not text (images, audio). */
    private record TurnText(String text, int nonTextParts) {
    }

    private TranscriptChunker() {
    }

    /** Reads {@code text} as JSON when it starts with {@code [} or <code>{</code>, else as {@code Name: text} lines. */
    static List<Chunk> chunk(String text, Budget budget, String source) {
        Lines lines = Lines.of(text);
        String trimmed = lines.text().stripLeading();
        if (trimmed.startsWith("[") || trimmed.startsWith("{")) {
            return chunk(Chunker.readJson(trimmed), budget, source);
        }
        return chunk(plainTurns(lines), budget, source);
    }

    static List<Chunk> chunk(JsonNode transcript, Budget budget, String source) {
        return chunk(jsonTurns(transcript), budget, source);
    }

    private static List<Chunk> chunk(List<Turn> turns, Budget budget, String source) {
        List<Chunk> chunks = new ArrayList<>();
        for (Turn turn : turns) {
            String text = Lines.normalize(turn.text()).strip();
            if (text.isEmpty()) {
                continue;
            }
            if (budget.fits(text)) {
                chunks.add(message(turn, text, 0, 0, source));
                continue;
            }
            Lines lines = Lines.of(text);
            Packer packer = budget.packer(text);
            List<Piece> pieces = packer.pack(lines.paragraphs(0, lines.count(), Cut.SENTENCE), budget.max());
            for (int i = 0; i < pieces.size(); i++) {
                chunks.add(message(turn, packer.text(pieces.get(i)), i + 1, pieces.size(), source));
            }
        }
        return chunks;
    }

    private static Chunk message(Turn turn, String content, int part, int parts, String source) {
        Map<String, Object> metadata = Chunker.metadata(source);
        metadata.put("turn", turn.index());
        metadata.putAll(turn.details());
        if (parts > 0) {
            metadata.put("part", part);
            metadata.put("parts", parts);
        }
        return new Chunk(Chunk.MESSAGE, content, metadata, turn.occurredAt(), turn.externalId());
    }

    private static List<Turn> plainTurns(Lines lines) {
        List<Turn> turns = new ArrayList<>();
        String speaker = null;
        int textStart = 0;
        int textEnd = 0;
        for (int line = 0; line < lines.count(); line++) {
            Matcher turn = TURN.matcher(lines.line(line));
            if (turn.matches()) {
                if (speaker != null) {
                    turns.add(plainTurn(turns.size(), speaker, lines.text().substring(textStart, textEnd)));
                }
                speaker = turn.group(1);
                textStart = turn.group(2) == null ? lines.end(line) : lines.start(line) + turn.start(2);
                textEnd = lines.end(line);
            } else if (!lines.blank(line)) {
                if (speaker == null) {
                    throw new IllegalArgumentException("line " + (line + 1)
                            + ": text before the first turn; each turn of a plain-text transcript starts a line"
                            + " with the speaker's name and a colon, as in \"Alice: Hello\"");
                }
                textEnd = lines.end(line);
            }
        }
        if (speaker != null) {
            turns.add(plainTurn(turns.size(), speaker, lines.text().substring(textStart, textEnd)));
        }
        return turns;
    }

    private static Turn plainTurn(int index, String speaker, String text) {
        return new Turn(index, text, Map.of("speaker", speaker), null, null);
    }

    private static List<Turn> jsonTurns(JsonNode transcript) {
        JsonNode array = transcript;
        if (transcript.isObject() && transcript.has("messages")) {
            array = transcript.get("messages");
        }
        if (!array.isArray()) {
            throw new IllegalArgumentException(
                    "a transcript must be a JSON array of turns or an object with a \"messages\" array");
        }
        List<Turn> turns = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            turns.add(jsonTurn(i, array.get(i)));
        }
        return turns;
    }

    private static Turn jsonTurn(int index, JsonNode node) {
        if (!node.isObject()) {
            throw invalid(index, "expected an object with \"role\" and \"content\" or \"speaker\" and \"text\", found "
                    + node.getNodeType().name().toLowerCase());
        }
        Map<String, Object> details = new LinkedHashMap<>();
        for (String field : List.of("role", "speaker", "name")) {
            String value = string(index, node, field);
            if (value != null) {
                details.put(field, value);
            }
        }
        if (!details.containsKey("role") && !details.containsKey("speaker")) {
            throw invalid(index, "missing \"role\" or \"speaker\"");
        }
        // Either text field is taken from either kind of turn: exports mix them ("speaker" with "content").
        String textField = node.has("content") ? "content" : node.has("text") ? "text" : null;
        if (textField == null) {
            throw invalid(index, "missing \"" + (details.containsKey("role") ? "content" : "text") + "\"");
        }
        TurnText text = text(index, textField, node.get(textField));
        if (text.nonTextParts() > 0) {
            // Images and audio are not text to remember, but the turn says they were there.
            details.put("non_text_parts", text.nonTextParts());
        }
        return new Turn(index, text.text(), details, occurredAt(index, node), externalId(index, node));
    }

    /** A string, an array of {@code {"type":"text","text":...}} parts (joined by line breaks), or null for none. */
    private static TurnText text(int index, String field, JsonNode value) {
        if (value.isNull()) {
            return new TurnText("", 0);
        }
        if (value.isString()) {
            return new TurnText(value.asString(), 0);
        }
        if (!value.isArray()) {
            throw invalid(index, "\"" + field + "\" must be a string or an array of parts");
        }
        StringBuilder text = new StringBuilder();
        int nonText = 0;
        for (int p = 0; p < value.size(); p++) {
            JsonNode part = value.get(p);
            if (!part.isObject()) {
                throw invalid(index, "\"" + field + "\" part " + p + " must be an object");
            }
            JsonNode type = part.get("type");
            if (type == null || !type.isString()) {
                throw invalid(index, "\"" + field + "\" part " + p + ": missing \"type\"");
            }
            if (!type.asString().equals("text")) {
                nonText++;
                continue;
            }
            JsonNode partText = part.get("text");
            if (partText == null || !partText.isString()) {
                throw invalid(index, "\"" + field + "\" part " + p + ": missing \"text\"");
            }
            if (!text.isEmpty()) {
                text.append('\n');
            }
            text.append(partText.asString());
        }
        return new TurnText(text.toString(), nonText);
    }

    private static Instant occurredAt(int index, JsonNode node) {
        for (String field : TIME_FIELDS) {
            String value = string(index, node, field);
            if (value != null) {
                Instant instant = Timestamps.parse(value);
                if (instant == null) {
                    throw invalid(index, "\"" + field + "\" is not an ISO-8601 date-time: \"" + value + "\"");
                }
                return instant;
            }
        }
        return null;
    }

    private static String externalId(int index, JsonNode node) {
        for (String field : List.of("id", "dia_id")) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                continue;
            }
            if (value.isString() || value.isIntegralNumber()) {
                return value.asString();
            }
            throw invalid(index, "\"" + field + "\" must be a string or an integer");
        }
        return null;
    }

    private static String string(int index, JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            throw invalid(index, "\"" + field + "\" must be a string");
        }
        return value.asString();
    }

    private static IllegalArgumentException invalid(int index, String problem) {
        return new IllegalArgumentException("turn " + index + ": " + problem);
    }
}
