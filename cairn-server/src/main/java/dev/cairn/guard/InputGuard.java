package dev.cairn.guard;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.RequestException;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The guard's step in the chat pipeline: scans what users, tools and documents put in the messages,
 * and the memory Cairn recalls into the prompt, under the workspace's policy. Each text is scanned
 * as its source: a user's turn is judged by the scanners' rules; a tool's result (role {@code tool},
 * or the legacy {@code function}), a message the client marks as a retrieved document
 * ({@value #DOCUMENTS_HEADER}) and recalled memory are indirect sources, whose injection findings
 * answer to the policy's {@code indirect} rule, since whoever wrote them is not the user. The client's
 * own system and developer messages are its instructions, not an attack, and are not scanned unless
 * it marks them as documents. Redacted text replaces the original in a new messages array, which
 * the screening returns; the request stays as the client sent it, for the audit entry. Blocking is
 * the pipeline's to do, with the verdicts in hand.
 */
@Component
public class InputGuard {

    /**
     * Which messages hold retrieved documents, by index in {@code messages} (0-based, comma-separated,
     * e.g. {@code 1,3}): scanned as indirect sources whatever their role.
     */
    public static final String DOCUMENTS_HEADER = "Cairn-Documents";
    /** Far more than any request holds; bounds the work a hostile header can ask for. */
    private static final int MAX_DOCUMENTS = 1024;

    private final Guard guard;

    public InputGuard(Guard guard) {
        this.guard = guard;
    }

    public InputScreening screen(String workspace, JsonNode messages) {
        return screen(workspace, messages, null);
    }

    /** Screens the messages, those {@code documentsHeader} names (null: none) as documents; a bad header is a 400. */
    public InputScreening screen(String workspace, JsonNode messages, String documentsHeader) {
        if (messages == null || !messages.isArray()) {
            return InputScreening.NONE;
        }
        BitSet documents = documents(documentsHeader, messages.size());
        Screen screen = new Screen(workspace, new Redactor());
        ArrayNode screened = JsonBodies.JSON.createArrayNode();
        boolean changed = false;
        int index = 0;
        for (JsonNode message : messages) {
            InputSource source = source(message.path("role").asString(""), index, documents != null && documents.get(index));
            JsonNode content = message.get("content");
            JsonNode newContent = source == null ? content : screenContent(screen, source, content);
            if (newContent != content) {
                ObjectNode copy = ((ObjectNode) message).deepCopy();
                copy.set("content", newContent);
                screened.add(copy);
                changed = true;
            } else {
                screened.add(message);
            }
            index++;
        }
        return new InputScreening(screen.verdicts, screen.action, screen.redactor,
                changed && screen.action != Action.BLOCK ? screened : null, null);
    }

    /**
     * The screening with the memory recalled into the prompt scanned as an indirect source, with the
     * request's redactor so a value keeps one placeholder across prompt, memory and answer. No memory
     * (null), no work: a request without it costs nothing more.
     */
    public InputScreening screenMemory(String workspace, InputScreening screening, String memory) {
        if (memory == null || memory.isEmpty()) {
            return screening;
        }
        Redactor redactor = screening.redactor() != null ? screening.redactor() : new Redactor();
        GuardResult result = guard.scan(workspace, memory, Scanner.Direction.INPUT, redactor, true);
        return screening.withMemory(result.verdicts(), result.action(), redactor,
                result.redactedText().equals(memory) ? null : result.redactedText());
    }

    /** How a message is scanned, or null when it is not: the client's own instructions and the model's turns. */
    private static InputSource source(String role, int index, boolean document) {
        if (document) {
            return new InputSource(InputSource.Kind.DOCUMENT, index, role, -1);
        }
        return switch (role) {
            case "user" -> new InputSource(InputSource.Kind.USER, index, role, -1);
            case "tool", "function" -> new InputSource(InputSource.Kind.TOOL, index, role, -1);
            default -> null;
        };
    }

    /** The message indexes {@value #DOCUMENTS_HEADER} names (null: none); each must be a message of this request. */
    static BitSet documents(String header, int messages) {
        if (header == null || header.isBlank()) {
            return null;
        }
        BitSet documents = new BitSet();
        String[] entries = header.split(",", -1);
        if (entries.length > MAX_DOCUMENTS) {
            throw RequestException.invalid("invalid_value", DOCUMENTS_HEADER,
                    DOCUMENTS_HEADER + " names more than " + MAX_DOCUMENTS + " messages");
        }
        for (String entry : entries) {
            String trimmed = entry.strip();
            int index = -1;
            if (!trimmed.isEmpty() && trimmed.length() <= 9 && trimmed.chars().allMatch(c -> c >= '0' && c <= '9')) {
                index = Integer.parseInt(trimmed);
            }
            if (index < 0 || index >= messages) {
                throw RequestException.invalid("invalid_value", DOCUMENTS_HEADER, DOCUMENTS_HEADER
                        + " must list indexes of this request's messages (0 to " + (messages - 1) + "), comma-separated; '"
                        + trimmed + "' is not one");
            }
            documents.set(index);
        }
        return documents;
    }

    /** The content with redactions applied, or the same node when nothing in it changed. */
    private JsonNode screenContent(Screen screen, InputSource source, JsonNode content) {
        if (content != null && content.isString()) {
            String redacted = screen.text(source, content.stringValue());
            return redacted.equals(content.stringValue()) ? content : JsonBodies.JSON.getNodeFactory().stringNode(redacted);
        }
        if (content == null || !content.isArray()) {
            return content;
        }
        ArrayNode parts = JsonBodies.JSON.createArrayNode();
        boolean changed = false;
        int index = 0;
        for (JsonNode part : content) {
            if ("text".equals(part.path("type").asString("")) && part.path("text").isString()) {
                String text = part.get("text").stringValue();
                String redacted = screen.text(source.part(index), text);
                if (!redacted.equals(text)) {
                    parts.add(((ObjectNode) part).deepCopy().put("text", redacted));
                    changed = true;
                    index++;
                    continue;
                }
            }
            parts.add(part);
            index++;
        }
        return changed ? parts : content;
    }

    /** One request's scan: its verdicts where they were found, the most severe action, and one redactor for all its texts. */
    private final class Screen {
        final String workspace;
        final Redactor redactor;
        final List<InputScreening.Located> verdicts = new ArrayList<>();
        Action action = Action.ALLOW;

        Screen(String workspace, Redactor redactor) {
            this.workspace = workspace;
            this.redactor = redactor;
        }

        String text(InputSource source, String text) {
            GuardResult result = guard.scan(workspace, text, Scanner.Direction.INPUT, redactor, source.indirect());
            result.verdicts().forEach(v -> verdicts.add(new InputScreening.Located(source, v)));
            action = action.atLeast(result.action());
            return result.redactedText();
        }
    }
}
