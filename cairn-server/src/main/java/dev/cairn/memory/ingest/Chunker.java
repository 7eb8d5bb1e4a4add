package dev.cairn.memory.ingest;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;

/**
 * Cuts ingested content where a reader would: transcripts by turn, Markdown by heading, text by
 * paragraph, logs by record, diffs by hunk. Pieces larger than {@code maxChunkTokens} are split
 * further (paragraphs, then sentences, then words), so no chunk exceeds the limit unless one
 * word does; small neighbours are packed together. No non-blank line of the input is lost.
 */
public final class Chunker {

    private static final Pattern ATX = Pattern.compile("^ {0,3}(#{1,6})\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern FENCE = Pattern.compile("^ {0,3}(```|~~~)");
    private static final Pattern SETEXT = Pattern.compile("^ {0,3}(=+|-+)\\s*$");
    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+");
    private static final Pattern SPEAKER_LINE = Pattern.compile("^([^:\\s][^:]{0,63}):\\s+(.*)$");
    private static final Pattern LOG_START = Pattern.compile(
            "^\\[?(\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}(?::\\d{2}(?:[.,]\\d+)?)?(?:Z|[+-]\\d{2}:?\\d{2})?)"
                    + "|^[A-Z][a-z]{2} +\\d{1,2} \\d{2}:\\d{2}:\\d{2}");

    private final ToIntFunction<String> tokens;
    private final int maxChunkTokens;

    public Chunker(ToIntFunction<String> tokenCounter, int maxChunkTokens) {
        if (maxChunkTokens < 8) {
            throw new IllegalArgumentException("maxChunkTokens must be at least 8");
        }
        this.tokens = tokenCounter;
        this.maxChunkTokens = maxChunkTokens;
    }

    public List<Chunk> chunk(IngestFormat format, String content, String sourceName) {
        List<String> lines = List.of(content.replace("\r\n", "\n").replace('\r', '\n').split("\n", -1));
        List<Chunk> chunks = switch (format) {
            case TRANSCRIPT -> transcriptText(lines);
            case MARKDOWN -> markdown(lines);
            case TEXT -> text(lines);
            case LOG -> log(lines);
            case DIFF -> diff(lines);
        };
        if (sourceName == null) {
            return chunks;
        }
        return chunks.stream().map(c -> {
            Map<String, Object> metadata = new LinkedHashMap<>(c.metadata());
            metadata.put("source", sourceName);
            return new Chunk(c.kind(), c.content(), metadata, c.occurredAt(), c.externalId());
        }).toList();
    }

    // --- transcripts -----------------------------------------------------------------------------

    /** A JSON transcript: an array of turns, or an object whose {@code messages} is one. */
    public List<Chunk> chunkTranscript(JsonNode turns) {
        JsonNode array = turns.isObject() ? turns.get("messages") : turns;
        if (array == null || !array.isArray()) {
            throw new IllegalArgumentException("a transcript is a JSON array of turns, or an object with a \"messages\" array");
        }
        List<Chunk> chunks = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            JsonNode turn = array.get(i);
            if (!turn.isObject()) {
                throw new IllegalArgumentException("turn " + i + ": not a JSON object");
            }
            String who;
            String whoField;
            if (turn.has("role")) {
                who = turn.path("role").asString("");
                whoField = "role";
            } else {
                who = turn.path("speaker").asString(null);
                whoField = "speaker";
            }
            String textField = turn.has("content") ? "content" : "text";
            if (!turn.has(textField)) {
                throw new IllegalArgumentException("turn " + i + ": missing \"content\" (or \"text\")");
            }
            String text = text(turn.get(textField), i);
            if (text.isBlank()) {
                continue;
            }
            Map<String, Object> metadata = new LinkedHashMap<>();
            if (who != null) {
                metadata.put(whoField, who);
            }
            metadata.put("turn", i);
            String id = turn.hasNonNull("dia_id") ? turn.get("dia_id").asString() : turn.hasNonNull("id") ? turn.get("id").asString() : null;
            Instant at = null;
            for (String field : new String[] {"occurred_at", "timestamp", "time"}) {
                if (turn.hasNonNull(field)) {
                    at = instant(turn.get(field).asString(), "turn " + i + ": \"" + field + "\"");
                    break;
                }
            }
            addTurn(chunks, text.strip(), metadata, at, id);
        }
        return chunks;
    }

    private static String text(JsonNode content, int turn) {
        if (content.isString()) {
            return content.stringValue();
        }
        if (content.isArray()) {
            StringBuilder text = new StringBuilder();
            for (JsonNode part : content) {
                if (part.path("text").isString()) {
                    text.append(text.isEmpty() ? "" : "\n").append(part.get("text").stringValue());
                }
            }
            return text.toString();
        }
        throw new IllegalArgumentException("turn " + turn + ": \"content\" must be a string or an array of text parts");
    }

    /** Plain-text transcript: each turn starts with {@code Name: text}; other lines continue the turn. */
    private List<Chunk> transcriptText(List<String> lines) {
        List<Chunk> chunks = new ArrayList<>();
        String speaker = null;
        StringBuilder turn = new StringBuilder();
        int index = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            Matcher m = SPEAKER_LINE.matcher(line);
            if (m.matches()) {
                if (speaker != null) {
                    addTurn(chunks, turn.toString().strip(), Map.of("speaker", speaker, "turn", index++), null, null);
                }
                speaker = m.group(1).strip();
                turn.setLength(0);
                turn.append(m.group(2));
            } else if (!line.isBlank()) {
                if (speaker == null) {
                    throw new IllegalArgumentException("transcript line " + (i + 1) + ": expected 'Name: text' to start a turn");
                }
                turn.append('\n').append(line);
            }
        }
        if (speaker != null) {
            addTurn(chunks, turn.toString().strip(), Map.of("speaker", speaker, "turn", index), null, null);
        }
        return chunks;
    }

    private void addTurn(List<Chunk> chunks, String text, Map<String, Object> metadata, Instant at, String id) {
        if (text.isEmpty()) {
            return;
        }
        List<String> parts = fit(text);
        for (int p = 0; p < parts.size(); p++) {
            Map<String, Object> m = new LinkedHashMap<>(metadata);
            if (parts.size() > 1) {
                m.put("part", p + 1);
                m.put("parts", parts.size());
            }
            chunks.add(new Chunk("message", parts.get(p), m, at, parts.size() > 1 && id != null ? id + "#" + (p + 1) : id));
        }
    }

    // --- Markdown --------------------------------------------------------------------------------

    private record Section(List<String> path, String heading, List<String> body) {
    }

    private List<Chunk> markdown(List<String> lines) {
        List<Section> sections = new ArrayList<>();
        List<String> path = new ArrayList<>();
        Section current = new Section(List.of(), null, new ArrayList<>());
        boolean inFence = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (FENCE.matcher(line).find()) {
                inFence = !inFence;
                current.body().add(line);
                continue;
            }
            Matcher atx = inFence ? null : ATX.matcher(line);
            boolean setext = !inFence && i + 1 < lines.size() && !line.isBlank() && SETEXT.matcher(lines.get(i + 1)).matches()
                    && !line.strip().startsWith("-") && (current.body().isEmpty() || current.body().getLast().isBlank());
            if ((atx != null && atx.matches()) || setext) {
                int level = setext ? (lines.get(i + 1).strip().startsWith("=") ? 1 : 2) : atx.group(1).length();
                String title = setext ? line.strip() : atx.group(2);
                sections.add(current);
                while (path.size() >= level) {
                    path.removeLast();
                }
                while (path.size() < level - 1) {
                    path.add("");
                }
                path.add(title);
                current = new Section(path.stream().filter(p -> !p.isEmpty()).toList(), setext ? line + "\n" + lines.get(i + 1) : line,
                        new ArrayList<>());
                if (setext) {
                    i++;
                }
                continue;
            }
            current.body().add(line);
        }
        sections.add(current);
        List<Chunk> chunks = new ArrayList<>();
        for (Section section : sections) {
            List<String> paragraphs = paragraphs(section.body(), true);
            if (paragraphs.isEmpty()) {
                continue; // a heading straight followed by a sub-heading lives on in its path
            }
            Map<String, Object> metadata = new LinkedHashMap<>();
            if (!section.path().isEmpty()) {
                metadata.put("heading_path", String.join(" > ", section.path()));
            }
            String prefix = section.heading() == null ? "" : section.heading() + "\n\n";
            for (String packed : pack(paragraphs, "\n\n", tokens.applyAsInt(prefix))) {
                chunks.add(new Chunk("document", prefix + packed, metadata, null, null));
            }
        }
        return chunks;
    }

    // --- text ------------------------------------------------------------------------------------

    private List<Chunk> text(List<String> lines) {
        List<String> paragraphs = paragraphs(lines, false);
        List<Chunk> chunks = new ArrayList<>();
        int first = 1;
        List<String> group = new ArrayList<>();
        int used = 0;
        for (int p = 0; p < paragraphs.size(); p++) {
            String paragraph = paragraphs.get(p);
            int cost = tokens.applyAsInt(paragraph) + 1;
            if (!group.isEmpty() && used + cost > maxChunkTokens) {
                addText(chunks, group, first, p);
                group.clear();
                used = 0;
                first = p + 1;
            }
            group.add(paragraph);
            used += cost;
        }
        if (!group.isEmpty()) {
            addText(chunks, group, first, paragraphs.size());
        }
        return chunks;
    }

    private void addText(List<Chunk> chunks, List<String> group, int first, int last) {
        Map<String, Object> metadata = Map.of("paragraph_start", first, "paragraph_end", last);
        for (String piece : pack(group, "\n\n", 0)) {
            chunks.add(new Chunk("document", piece, metadata, null, null));
        }
    }

    // --- logs ------------------------------------------------------------------------------------

    private record Record(int firstLine, int lastLine, String text, Instant at) {
    }

    private List<Chunk> log(List<String> lines) {
        List<Record> records = new ArrayList<>();
        int start = -1;
        StringBuilder text = new StringBuilder();
        Instant at = null;
        int last = -1;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            Matcher m = LOG_START.matcher(line);
            boolean starts = m.find() || start < 0;
            if (starts && start >= 0) {
                records.add(new Record(start + 1, last + 1, text.toString(), at));
                text.setLength(0);
            }
            if (starts) {
                start = i;
                at = m.hitEnd() && m.group(1) == null ? null : logTime(m);
            }
            text.append(text.isEmpty() ? "" : "\n").append(line);
            last = i;
        }
        if (start >= 0) {
            records.add(new Record(start + 1, last + 1, text.toString(), at));
        }
        List<Chunk> chunks = new ArrayList<>();
        List<Record> group = new ArrayList<>();
        int used = 0;
        for (Record record : records) {
            int cost = tokens.applyAsInt(record.text()) + 1;
            if (!group.isEmpty() && used + cost > maxChunkTokens) {
                addLog(chunks, group);
                group.clear();
                used = 0;
            }
            group.add(record);
            used += cost;
        }
        if (!group.isEmpty()) {
            addLog(chunks, group);
        }
        return chunks;
    }

    private static Instant logTime(Matcher m) {
        try {
            String stamp = m.group(1);
            if (stamp == null) {
                return null;
            }
            String iso = stamp.replace(' ', 'T').replace(',', '.');
            if (!iso.matches(".*(Z|[+-]\\d{2}:?\\d{2})$")) {
                iso += "Z";
            }
            if (iso.length() == 16 || iso.length() == 17 && iso.endsWith("Z")) {
                iso = iso.replace("Z", ":00Z");
            }
            return OffsetDateTime.parse(iso).toInstant();
        } catch (DateTimeParseException | IllegalStateException e) {
            return null;
        }
    }

    private void addLog(List<Chunk> chunks, List<Record> group) {
        Map<String, Object> metadata = Map.of("line_start", group.getFirst().firstLine(), "line_end", group.getLast().lastLine());
        List<String> texts = group.stream().map(Record::text).toList();
        for (String piece : pack(texts, "\n", 0)) {
            chunks.add(new Chunk("document", piece, metadata, group.getFirst().at(), null));
        }
    }

    // --- diffs -----------------------------------------------------------------------------------

    private static final Pattern HUNK = Pattern.compile("^@@ -\\d+(?:,(\\d+))? \\+\\d+(?:,(\\d+))? @@.*");

    /**
     * Unified diffs, git's or plain: a file starts at {@code diff --git}, or at {@code --- } once
     * the previous hunk has all the lines its {@code @@} header counted; each hunk is one chunk.
     */
    private List<Chunk> diff(List<String> lines) {
        List<Chunk> chunks = new ArrayList<>();
        List<String> header = new ArrayList<>();
        List<String> hunk = null;
        int oldLeft = 0;
        int newLeft = 0;
        for (String line : lines) {
            boolean hunkDone = oldLeft <= 0 && newLeft <= 0;
            if (line.startsWith("diff --git ") || (line.startsWith("--- ") && hunk != null && hunkDone)) {
                flush(chunks, header, hunk);
                header = new ArrayList<>();
                hunk = null;
                header.add(line);
                continue;
            }
            Matcher m = HUNK.matcher(line);
            if (m.matches()) {
                if (hunk != null) {
                    addHunk(chunks, header, hunk);
                }
                hunk = new ArrayList<>(List.of(line));
                oldLeft = m.group(1) == null ? 1 : Integer.parseInt(m.group(1));
                newLeft = m.group(2) == null ? 1 : Integer.parseInt(m.group(2));
                continue;
            }
            if (hunk != null && !hunkDone) {
                hunk.add(line);
                if (line.startsWith("-")) {
                    oldLeft--;
                } else if (line.startsWith("+")) {
                    newLeft--;
                } else if (!line.startsWith("\\")) {
                    oldLeft--;
                    newLeft--;
                }
            } else if (hunk != null && line.startsWith("\\")) {
                hunk.add(line); // "\ No newline at end of file" after the hunk's last line
            } else if (!line.isBlank()) {
                if (hunk != null) {
                    addHunk(chunks, header, hunk);
                    hunk = null;
                    header = new ArrayList<>();
                }
                header.add(line);
            }
        }
        flush(chunks, header, hunk);
        return chunks;
    }

    private void flush(List<Chunk> chunks, List<String> header, List<String> hunk) {
        if (hunk != null) {
            addHunk(chunks, header, hunk);
        } else if (!header.isEmpty()) {
            chunks.add(new Chunk("document", String.join("\n", header), Map.of("file", file(header)), null, null));
        }
    }

    private void addHunk(List<Chunk> chunks, List<String> header, List<String> hunk) {
        while (!hunk.isEmpty() && hunk.getLast().isEmpty()) {
            hunk.removeLast();
        }
        String head = String.join("\n", header) + "\n" + hunk.getFirst();
        Map<String, Object> metadata = Map.of("file", file(header), "hunk", hunk.getFirst());
        List<String> body = hunk.subList(1, hunk.size());
        for (String piece : pack(body, "\n", tokens.applyAsInt(head) + 1)) {
            chunks.add(new Chunk("document", head + (piece.isEmpty() ? "" : "\n" + piece), metadata, null, null));
        }
    }

    private static String file(List<String> header) {
        String newPath = null;
        String oldPath = null;
        for (String line : header) {
            if (line.startsWith("+++ ")) {
                newPath = path(line.substring(4));
            } else if (line.startsWith("--- ")) {
                oldPath = path(line.substring(4));
            } else if (line.startsWith("diff --git ") && newPath == null) {
                int b = line.lastIndexOf(" b/");
                if (b > 0) {
                    newPath = line.substring(b + 3);
                }
            }
        }
        return newPath != null && !newPath.equals("/dev/null") ? newPath : oldPath != null ? oldPath : "";
    }

    private static String path(String raw) {
        String path = raw.split("\t")[0].strip();
        return path.startsWith("a/") || path.startsWith("b/") ? path.substring(2) : path;
    }

    // --- sizing ----------------------------------------------------------------------------------

    /** Blank-line separated paragraphs; with {@code keepFences}, a fenced code block stays one paragraph. */
    private static List<String> paragraphs(List<String> lines, boolean keepFences) {
        List<String> paragraphs = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean inFence = false;
        for (String line : lines) {
            if (keepFences && FENCE.matcher(line).find()) {
                inFence = !inFence;
            }
            if (line.isBlank() && !inFence) {
                if (!current.isEmpty()) {
                    paragraphs.add(current.toString());
                    current.setLength(0);
                }
                continue;
            }
            current.append(current.isEmpty() ? "" : "\n").append(line);
        }
        if (!current.isEmpty() && !current.toString().isBlank()) {
            paragraphs.add(current.toString());
        }
        return paragraphs;
    }

    /**
     * Packs pieces, joined by {@code separator}, into as few chunks as fit the limit less
     * {@code reserved} tokens (for a prefix each chunk repeats); a piece too large alone is split.
     */
    private List<String> pack(List<String> pieces, String separator, int reserved) {
        int limit = Math.max(8, maxChunkTokens - reserved);
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int used = 0;
        for (String piece : pieces) {
            for (String part : fit(piece, limit)) {
                int cost = tokens.applyAsInt(part) + (current.isEmpty() ? 0 : tokens.applyAsInt(separator));
                if (!current.isEmpty() && used + cost > limit) {
                    out.add(current.toString());
                    current.setLength(0);
                    used = 0;
                    cost = tokens.applyAsInt(part);
                }
                current.append(current.isEmpty() ? "" : separator).append(part);
                used += cost;
            }
        }
        if (!current.isEmpty() || out.isEmpty()) {
            out.add(current.toString());
        }
        return out;
    }

    private List<String> fit(String text) {
        return fit(text, maxChunkTokens);
    }

    /** The text whole if it fits, else cut at sentence ends, and a sentence too long at spaces. */
    private List<String> fit(String text, int limit) {
        if (tokens.applyAsInt(text) <= limit) {
            return List.of(text);
        }
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String sentence : SENTENCE_END.split(text)) {
            List<String> units = tokens.applyAsInt(sentence) <= limit ? List.of(sentence) : List.of(sentence.split("(?<=\\s)(?=\\S)"));
            for (String unit : units) {
                String candidate = current.isEmpty() ? unit : current + (unit.startsWith(" ") || current.toString().endsWith(" ") ? "" : " ") + unit;
                if (!current.isEmpty() && tokens.applyAsInt(candidate) > limit) {
                    out.add(current.toString().strip());
                    current.setLength(0);
                    current.append(unit);
                } else {
                    current.setLength(0);
                    current.append(candidate);
                }
            }
        }
        if (!current.toString().isBlank()) {
            out.add(current.toString().strip());
        }
        return out;
    }

    private static Instant instant(String value, String where) {
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(where + " is not an ISO-8601 time with an offset: '" + value + "'");
        }
    }
}
