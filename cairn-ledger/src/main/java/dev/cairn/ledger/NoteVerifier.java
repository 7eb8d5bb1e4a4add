package dev.cairn.ledger;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Base64;

/**
 * An Ed25519 public key for C2SP signed notes, written as a verifier key string
 * {@code name+keyid+base64(0x01 ‖ key)}.
 */
public final class NoteVerifier {

    private final String name;
    private final int keyId;
    private final byte[] publicKey;
    private final PublicKey key;

    NoteVerifier(String name, byte[] publicKey) {
        if (!NoteKeys.isValidName(name)) {
            throw new IllegalArgumentException("invalid key name '" + name + "': no spaces or '+'");
        }
        this.name = name;
        this.publicKey = publicKey.clone();
        this.keyId = NoteKeys.keyId(name, publicKey);
        try {
            this.key = Ed25519.publicKey(publicKey);
        } catch (InvalidKeyException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Parses a verifier key string; a key id that does not match the name and key is refused. */
    public static NoteVerifier parse(String vkey) {
        String text = vkey == null ? "" : vkey.strip();
        // Split on the first two '+' only: the base64 part may contain '+' itself.
        int first = text.indexOf('+');
        int second = first < 0 ? -1 : text.indexOf('+', first + 1);
        if (second < 0) {
            throw new IllegalArgumentException("a verifier key reads name+keyid+base64key");
        }
        String name = text.substring(0, first);
        int declaredId = NoteKeys.parseHexId(text.substring(first + 1, second));
        byte[] key;
        try {
            key = Base64.getDecoder().decode(text.substring(second + 1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the key part of a verifier key is not base64", e);
        }
        if (key.length != 1 + Ed25519.KEY_SIZE || key[0] != NoteKeys.ALG_ED25519) {
            throw new IllegalArgumentException("only Ed25519 verifier keys (0x01 and 32 bytes) are supported");
        }
        NoteVerifier verifier = new NoteVerifier(name, Arrays.copyOfRange(key, 1, key.length));
        if (verifier.keyId != declaredId) {
            throw new IllegalArgumentException("verifier key id " + NoteKeys.hexId(declaredId)
                    + " does not match its name and key (" + NoteKeys.hexId(verifier.keyId) + ")");
        }
        return verifier;
    }

    public String name() {
        return name;
    }

    public int keyId() {
        return keyId;
    }

    /** The verifier key string, e.g. {@code example.com/log+33d7b496+AeHT…}. */
    public String vkey() {
        byte[] encoded = new byte[1 + publicKey.length];
        encoded[0] = NoteKeys.ALG_ED25519;
        System.arraycopy(publicKey, 0, encoded, 1, publicKey.length);
        return name + "+" + NoteKeys.hexId(keyId) + "+" + Base64.getEncoder().encodeToString(encoded);
    }

    boolean verify(String text, byte[] signature) {
        return signature.length == Ed25519.SIGNATURE_SIZE
                && Ed25519.verify(key, text.getBytes(StandardCharsets.UTF_8), signature);
    }

    @Override
    public String toString() {
        return vkey();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NoteVerifier other && name.equals(other.name) && Arrays.equals(publicKey, other.publicKey);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(publicKey);
    }
}
