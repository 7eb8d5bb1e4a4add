package dev.cairn.platform;

import java.util.Map;

import tools.jackson.databind.JsonNode;

/**
 * Checks that a parsed body holds only values Cairn can record exactly: its audit entries are
 * canonical JSON (RFC 8785), which has no lone UTF-16 surrogates in strings ({@code "\ud800"}
 * parses, but is not Unicode text) and no numbers beyond a 64-bit float ({@code 1e400} parses as
 * infinity). Refusing such a body up front, with the place named, keeps it from failing half-way
 * through, after a key was stored or a model was called. The gateway checks an upstream's answer
 * the same way before recording it.
 */
public final class RecordableJson {

    /** What is wrong, and where: {@code path} as a client writes it, {@code messages[0].content}. */
    public record Fault(String path, String reason) {

        /** The same fault seen from the object that holds {@code name}. */
        public Fault under(String name) {
            return new Fault(path.isEmpty() || path.startsWith("[") ? name + path : name + "." + path, reason);
        }

        Fault at(int index) {
            return new Fault(path.isEmpty() || path.startsWith("[") ? "[" + index + "]" + path
                    : "[" + index + "]." + path, reason);
        }
    }

    private RecordableJson() {
    }

    static void check(JsonNode body) {
        Fault fault = find(body);
        if (fault != null) {
            throw RequestException.invalid("invalid_value", fault.path().isEmpty() ? null : fault.path(), fault.reason());
        }
    }

    /** The first value in {@code node} that canonical JSON cannot hold, or null when there is none. */
    public static Fault find(JsonNode node) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                if (hasLoneSurrogate(field.getKey())) {
                    return new Fault("", "A field name contains a lone UTF-16 surrogate; JSON text must be well-formed Unicode");
                }
                Fault inner = find(field.getValue());
                if (inner != null) {
                    return inner.under(field.getKey());
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                Fault inner = find(node.get(i));
                if (inner != null) {
                    return inner.at(i);
                }
            }
        } else if (node.isString()) {
            if (hasLoneSurrogate(node.stringValue())) {
                return new Fault("", "A string contains a lone UTF-16 surrogate (such as \\ud800 without its pair); "
                        + "JSON text must be well-formed Unicode");
            }
        } else if (node.isFloatingPointNumber() && !Double.isFinite(node.doubleValue())) {
            return new Fault("", "A number is beyond the range of a 64-bit float");
        }
        return null;
    }

    /**
     * {@code text} with each lone surrogate replaced by U+FFFD, for text Cairn passes on rather
     * than judges (an upstream's error message); null stays null.
     */
    public static String wellFormed(String text) {
        if (text == null || !hasLoneSurrogate(text)) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                out.append(c).append(text.charAt(++i));
            } else {
                out.append(Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return out.toString();
    }

    private static boolean hasLoneSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }
}
