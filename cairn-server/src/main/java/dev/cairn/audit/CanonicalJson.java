package dev.cairn.audit;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import tools.jackson.databind.JsonNode;

/**
 * RFC 8785 JSON Canonicalization Scheme: members sorted by UTF-16 code units, no whitespace,
 * minimal string escapes, numbers as ECMAScript prints IEEE doubles. Two parties that hold the same
 * JSON value get the same bytes, so an audit entry's hash does not depend on who serialised it.
 */
public final class CanonicalJson {

    private static final long MAX_SAFE_LONG = 1L << 53;
    private static final BigInteger MAX_SAFE = BigInteger.valueOf(MAX_SAFE_LONG);
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private CanonicalJson() {
    }

    public static byte[] bytes(JsonNode node) {
        StringBuilder out = new StringBuilder(2048);
        write(node, out);
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void write(JsonNode node, StringBuilder out) {
        if (node == null) {
            out.append("null");
            return;
        }
        // One virtual call to learn the kind, rather than a chain of isObject(), isArray(), ...
        switch (node.getNodeType()) {
            case OBJECT -> writeObject(node, out);
            case ARRAY -> {
                out.append('[');
                for (int i = 0; i < node.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    write(node.get(i), out);
                }
                out.append(']');
            }
            case STRING -> writeString(node.stringValue(), out);
            case NUMBER -> writeNumber(node, out);
            case BOOLEAN -> out.append(node.booleanValue());
            case NULL, MISSING -> out.append("null");
            default -> throw new IllegalArgumentException("not a JSON value: " + node.getNodeType());
        }
    }

    private static void writeObject(JsonNode node, StringBuilder out) {
        String[] names = node.propertyNames().toArray(String[]::new);
        // String.compareTo compares UTF-16 code units, which is exactly RFC 8785's order.
        Arrays.sort(names);
        out.append('{');
        for (int i = 0; i < names.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            writeString(names[i], out);
            out.append(':');
            write(node.get(names[i]), out);
        }
        out.append('}');
    }

    private static void writeNumber(JsonNode node, StringBuilder out) {
        if (node.isInt() || node.isLong()) {
            // Most numbers of an entry (token counts, times, sizes): no BigInteger needed.
            long value = node.longValue();
            if (value >= -MAX_SAFE_LONG && value <= MAX_SAFE_LONG) {
                out.append(value);
            } else {
                out.append(number((double) value));
            }
            return;
        }
        if (node.isIntegralNumber()) {
            BigInteger value = node.bigIntegerValue();
            if (value.abs().compareTo(MAX_SAFE) <= 0) {
                out.append(value);
                return;
            }
            out.append(number(value.doubleValue()));
            return;
        }
        double value = node.isBigDecimal() ? node.decimalValue().doubleValue() : node.doubleValue();
        out.append(number(value));
    }

    /** ECMAScript's Number::toString (ECMA-262 §6.1.6.1.20), which RFC 8785 §3.2.2.3 prescribes. */
    static String number(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("JSON has no " + value);
        }
        if (value == 0) {
            return "0"; // negative zero too
        }
        // Since JDK 19 Double.toString gives the shortest digits that round-trip, as ECMAScript
        // asks, except that it never gives fewer than two: try one digit when it gave two.
        double magnitude = Math.abs(value);
        BigDecimal decimal = new BigDecimal(Double.toString(magnitude)).stripTrailingZeros();
        if (decimal.precision() == 2) {
            BigDecimal oneDigit = new BigDecimal(magnitude).round(new java.math.MathContext(1, java.math.RoundingMode.HALF_EVEN));
            if (oneDigit.doubleValue() == magnitude) {
                decimal = oneDigit.stripTrailingZeros();
            }
        }
        String digits = decimal.unscaledValue().toString();
        int k = digits.length();
        int n = k - decimal.scale();
        StringBuilder out = new StringBuilder(24);
        if (value < 0) {
            out.append('-');
        }
        if (k <= n && n <= 21) {
            out.append(digits).append("0".repeat(n - k));
        } else if (0 < n && n <= 21) {
            out.append(digits, 0, n).append('.').append(digits, n, k);
        } else if (-6 < n && n <= 0) {
            out.append("0.").append("0".repeat(-n)).append(digits);
        } else {
            out.append(digits.charAt(0));
            if (k > 1) {
                out.append('.').append(digits, 1, k);
            }
            out.append('e').append(n - 1 >= 0 ? "+" : "-").append(Math.abs(n - 1));
        }
        return out.toString();
    }

    private static void writeString(String value, StringBuilder out) {
        out.append('"');
        // Most strings (ids, base64 ciphertext, ordinary text) need no escape: copy the runs
        // between escapes whole instead of char by char.
        int run = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\' && !Character.isSurrogate(c)) {
                continue;
            }
            out.append(value, run, i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
                    } else if (Character.isHighSurrogate(c) && i + 1 < value.length()
                            && Character.isLowSurrogate(value.charAt(i + 1))) {
                        out.append(c).append(value.charAt(++i));
                    } else {
                        throw new IllegalArgumentException("lone surrogate in a JSON string at offset " + i);
                    }
                }
            }
            run = i + 1;
        }
        out.append(value, run, value.length());
        out.append('"');
    }
}
