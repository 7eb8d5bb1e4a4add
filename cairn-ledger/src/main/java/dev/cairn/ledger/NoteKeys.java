package dev.cairn.ledger;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;

/** Shared rules of C2SP signed-note key names and key ids. */
final class NoteKeys {

    /** The signature-type byte of Ed25519 keys and signatures in signed notes. */
    static final byte ALG_ED25519 = 0x01;

    private NoteKeys() {
    }

    /** Key ID = first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key), big-endian. */
    static int keyId(String name, byte[] publicKey) {
        MessageDigest digest = Hashes.sha256();
        digest.update(name.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) '\n');
        digest.update(ALG_ED25519);
        digest.update(publicKey);
        return ByteBuffer.wrap(digest.digest()).getInt();
    }

    /** A key name is non-empty UTF-8 without whitespace or '+', so that key strings split unambiguously. */
    static boolean isValidName(String name) {
        if (name == null || name.isEmpty()) {
            return false;
        }
        return name.codePoints().noneMatch(c -> c == '+' || Character.isWhitespace(c)
                || Character.isSpaceChar(c) || Character.isISOControl(c));
    }

    /** The parts of {@code name+keyid+base64(0x01 ‖ key)}, checked for form; {@code what} names it in errors. */
    record KeyString(String name, int keyId, byte[] key) {
    }

    static KeyString parseKeyString(String text, String what) {
        // Split on the first two '+' only: the base64 part may contain '+' itself.
        int first = text.indexOf('+');
        int second = first < 0 ? -1 : text.indexOf('+', first + 1);
        if (second < 0) {
            throw new IllegalArgumentException("a " + what + " reads name+keyid+base64key");
        }
        int keyId = parseHexId(text.substring(first + 1, second));
        byte[] encoded;
        try {
            encoded = Base64.getDecoder().decode(text.substring(second + 1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the key part of a " + what + " is not base64", e);
        }
        if (encoded.length != 1 + Ed25519.KEY_SIZE || encoded[0] != ALG_ED25519) {
            throw new IllegalArgumentException("only Ed25519 keys (0x01 and 32 bytes) are supported in a " + what);
        }
        return new KeyString(text.substring(0, first), keyId, Arrays.copyOfRange(encoded, 1, encoded.length));
    }

    static String hexId(int keyId) {
        return String.format("%08x", keyId);
    }

    static int parseHexId(String hex) {
        if (hex.length() != 8 || !hex.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            throw new IllegalArgumentException("a key id is 8 lower-case hex digits, got '" + hex + "'");
        }
        return Integer.parseUnsignedInt(hex, 16);
    }
}
