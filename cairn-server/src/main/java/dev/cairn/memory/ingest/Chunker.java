package dev.cairn.memory.ingest;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToIntFunction;

import dev.cairn.platform.JsonBodies;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Cuts ingested content into chunks of at most {@code maxChunkTokens} tokens, where its format says
 * it falls apart naturally: a transcript by turn, Markdown by heading, text by paragraph, a log by
 * record, a diff by hunk. Whatever is too large is cut more finely (paragraph, sentence, line, word),
 * so no chunk is over the limit unless a single word is.
 *
 * <p>Nothing is lost: read in order, the chunks hold every non-blank line of the input. The only text
 * they add is what makes a part read alone: the heading repeated over a section's later parts, the
 * file header and {@code @@} line over a hunk's, the fence lines around each part of a long code
 * block. A plain-text transcript's {@code Name:} goes to metadata, and a JSON turn's images and
 * audio are only counted ({@code non_text_parts}).
 *
 * <p>Invalid input throws {@link IllegalArgumentException} with a message that says what is wrong and
 * where ({@code turn 3: missing "content"}, with turns counted from 0 as in the {@code turn} metadata).
 *
 * <p>Metadata keys: {@code source} (the source name, when given); transcripts: {@code turn},
 * {@code role}, {@code speaker}, {@code name}, {@code non_text_parts}; Markdown: {@code heading_path};
 * text: {@code paragraph_start}, {@code paragraph_end}; logs: {@code line_start}, {@code line_end};
 * diffs: {@code file}, {@code hunk}. A turn, section or hunk cut into several chunks adds {@code part}
 * and {@code parts}, counted from 1. Paragraph and line numbers count from 1.
 *
 * <p>A chunker holds no state between calls: it is safe to share when its token counter is.
 */
public final class Chunker {

    private final Budget budget;

    /**
     * @param tokenCounter   counts the tokens of a text, as the embedding model will
     * @param maxChunkTokens the most tokens a chunk may hold
     */
    public Chunker(ToIntFunction<String> tokenCounter, int maxChunkTokens) {
        Objects.requireNonNull(tokenCounter, "tokenCounter");
        if (maxChunkTokens < 1) {
            throw new IllegalArgumentException("maxChunkTokens must be at least 1, not " + maxChunkTokens);
        }
        this.budget = new Budget(tokenCounter, maxChunkTokens);
    }

    /**
     * Cuts {@code content} as {@code format} says. A transcript is read as JSON when it starts with
     * {@code [} or <code>{</code>, else as lines of {@code Name: text}.
     *
     * @param sourceName where the content came from (a file name, a URL), or null
     * @return the chunks in input order; none for blank content
     * @throws IllegalArgumentException when the content is not valid for its format
     */
    public List<Chunk> chunk(IngestFormat format, String content, String sourceName) {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(content, "content");
        if (content.isBlank()) {
            return List.of();
        }
        return switch (format) {
            case TRANSCRIPT -> TranscriptChunker.chunk(content, budget, sourceName);
            case TEXT -> TextChunker.chunk(Lines.of(content), budget, sourceName);
            case MARKDOWN -> MarkdownChunker.chunk(Lines.of(content), budget, sourceName);
            case LOG -> LogChunker.chunk(Lines.of(content), budget, sourceName);
            case DIFF -> DiffChunker.chunk(Lines.of(content), budget, sourceName);
        };
    }

    /**
     * Cuts a transcript given as JSON: an array of turns, or an object whose {@code messages} is one.
     * A turn is an OpenAI-style message ({@code role}, {@code content} as a string or an array of
     * {@code {"type":"text","text":...}} parts) or an object with {@code speaker} and {@code text}; it
     * may carry {@code id} or {@code dia_id} (the chunk's external id) and {@code time},
     * {@code timestamp} or {@code occurred_at} in ISO-8601 (when it occurred). Empty turns are skipped.
     *
     * @throws IllegalArgumentException when the transcript or one of its turns is not of that shape
     */
    public List<Chunk> chunkTranscript(JsonNode turns) {
        return chunkTranscript(turns, null);
    }

    /** As {@link #chunkTranscript(JsonNode)}, with {@code sourceName} in each chunk's {@code source}. */
    public List<Chunk> chunkTranscript(JsonNode turns, String sourceName) {
        Objects.requireNonNull(turns, "turns");
        return TranscriptChunker.chunk(turns, budget, sourceName);
    }

    /** A chunk's metadata to fill in, starting with the source name when there is one. */
    static Map<String, Object> metadata(String source) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        if (source != null) {
            metadata.put("source", source);
        }
        return metadata;
    }

    static JsonNode readJson(String json) {
        try {
            return JsonBodies.JSON.readTree(json);
        } catch (JacksonException e) {
            String reason = e.getOriginalMessage();
            int location = reason == null ? -1 : reason.indexOf(" (start marker at");
            throw new IllegalArgumentException("the transcript starts like JSON but is not valid JSON: "
                    + (location >= 0 ? reason.substring(0, location) : reason));
        }
    }
}
