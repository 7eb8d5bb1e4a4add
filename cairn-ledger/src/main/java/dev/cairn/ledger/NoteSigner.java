package dev.cairn.ledger;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.util.Base64;

/**
 * An Ed25519 private key for C2SP signed notes, written as
 * {@code PRIVATE+KEY+name+keyid+base64(0x01 ‖ seed)}. Ed25519 is deterministic: the same key and
 * text always give the same signature line.
 */
public final class NoteSigner {

    private static final String PREFIX = "PRIVATE+KEY+";

    private final NoteVerifier verifier;
    private final PrivateKey key;
    private final byte[] seed;

    private NoteSigner(String name, KeyPair pair) {
        this.verifier = new NoteVerifier(name, Ed25519.publicKeyBytes(pair.getPublic()));
        this.key = pair.getPrivate();
        this.seed = Ed25519.seed(pair.getPrivate());
    }

    /** A new random key named {@code name}. */
    public static NoteSigner generate(String name) {
        return new NoteSigner(name, Ed25519.generate());
    }

    /** Parses a private key string; a key id that does not match is refused. */
    public static NoteSigner parse(String skey) {
        String text = skey == null ? "" : skey.strip();
        if (!text.startsWith(PREFIX)) {
            throw new IllegalArgumentException("a signing key string starts with " + PREFIX);
        }
        NoteKeys.KeyString parsed = NoteKeys.parseKeyString(text.substring(PREFIX.length()), "signing key");
        NoteSigner signer = new NoteSigner(parsed.name(), Ed25519.fromSeed(parsed.key()));
        if (signer.keyId() != parsed.keyId()) {
            throw new IllegalArgumentException("signing key id " + NoteKeys.hexId(parsed.keyId())
                    + " does not match its name and key (" + NoteKeys.hexId(signer.keyId()) + ")");
        }
        return signer;
    }

    public String name() {
        return verifier.name();
    }

    public int keyId() {
        return verifier.keyId();
    }

    public NoteVerifier verifier() {
        return verifier;
    }

    /** The private key string; treat it as a secret. */
    public String skey() {
        byte[] encoded = new byte[1 + seed.length];
        encoded[0] = NoteKeys.ALG_ED25519;
        System.arraycopy(seed, 0, encoded, 1, seed.length);
        return PREFIX + name() + "+" + NoteKeys.hexId(keyId()) + "+" + Base64.getEncoder().encodeToString(encoded);
    }

    /** The signature line for {@code text}: {@code — name base64(keyid ‖ signature)} and a newline. */
    public String signatureLine(String text) {
        SignedNote.requireValidText(text);
        byte[] signature = Ed25519.sign(key, text.getBytes(StandardCharsets.UTF_8));
        ByteBuffer payload = ByteBuffer.allocate(4 + signature.length).putInt(keyId()).put(signature);
        return SignedNote.SIGNATURE_PREFIX + name() + " " + Base64.getEncoder().encodeToString(payload.array()) + "\n";
    }

    /** {@code text} signed: the text, a blank line, and this key's signature line. */
    public String sign(String text) {
        return text + "\n" + signatureLine(text);
    }

    @Override
    public String toString() {
        return "NoteSigner[" + verifier.vkey() + "]"; // never the private key
    }
}
