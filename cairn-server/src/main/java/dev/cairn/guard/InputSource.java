package dev.cairn.guard;

import java.util.Locale;

/**
 * Where a text the input guard scanned comes from: the user's own turn, or content relayed into the
 * prompt from elsewhere (a tool's result, a document the client retrieved, memory Cairn recalled),
 * which the attacker, not the user, may have written. A message's source also names it
 * ({@code message}, its {@code role}, and {@code part}, the index in an array content, or -1);
 * memory is no message of the request, so its index and part are -1.
 */
public record InputSource(Kind kind, int message, String role, int part) {

    /** The memory Cairn recalled into this request's prompt, sent as a system message of its own. */
    public static final InputSource MEMORY = new InputSource(Kind.MEMORY, -1, "system", -1);

    public enum Kind {
        /** A {@code user} message: the direct source, judged by the scanners' own rules. */
        USER,
        /** A {@code tool} message, or a legacy {@code function} message: a function's output. */
        TOOL,
        /** A message the client marked as a retrieved document ({@code Cairn-Documents}). */
        DOCUMENT,
        /** The memory Cairn recalled into the prompt. */
        MEMORY;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Whether its injection findings answer to the policy's {@value GuardPolicies#INDIRECT} rule. */
    public boolean indirect() {
        return kind != Kind.USER;
    }

    /** This source narrowed to one part of an array content. */
    InputSource part(int index) {
        return new InputSource(kind, message, role, index);
    }

    /**
     * For people and headers (so without commas): {@code messages[3] (tool)}, {@code messages[4] (function)},
     * {@code messages[1].content[2] (document)}, {@code memory recalled by Cairn}.
     */
    public String where() {
        if (kind == Kind.MEMORY) {
            return "memory recalled by Cairn";
        }
        String at = "messages[" + message + "]" + (part < 0 ? "" : ".content[" + part + "]");
        return at + " (" + (kind == Kind.DOCUMENT ? "document" : role) + ")";
    }
}
