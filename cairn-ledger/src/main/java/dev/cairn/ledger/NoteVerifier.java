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
        NoteKeys.KeyString parsed = NoteKeys.parseKeyString(vkey == null ? "" : vkey.strip(), "verifier key");
        NoteVerifier verifier = new NoteVerifier(parsed.name(), parsed.key());
        if (verifier.keyId != parsed.keyId()) {
            throw new IllegalArgumentException("verifier key id " + NoteKeys.hexId(parsed.keyId())
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
