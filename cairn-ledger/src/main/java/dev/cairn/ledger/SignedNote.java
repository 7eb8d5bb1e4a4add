package dev.cairn.ledger;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A C2SP signed note: a text ending in a newline, a blank line, and signature lines
 * {@code — name base64(keyid ‖ signature)}.
 *
 * @param text the signed text, newline included
 * @param signatures every signature line, verified or not, in order
 */
public record SignedNote(String text, List<Signature> signatures) {

    /** An em dash and a space: how every signature line begins. */
    static final String SIGNATURE_PREFIX = "\u2014 ";
    private static final int MAX_SIGNATURES = 100;

    /** One signature line, not yet checked. */
    public record Signature(String name, int keyId, byte[] signature) {
        public Signature {
            signature = signature.clone();
        }

        @Override
        public byte[] signature() {
            return signature.clone();
        }
    }

    public SignedNote {
        signatures = List.copyOf(signatures);
    }

    /** Splits a note into text and signature lines, checking only its form. */
    public static SignedNote parse(String message) throws VerificationException {
        int split = message.lastIndexOf("\n\n");
        if (split < 0) {
            throw new VerificationException("malformed note: no blank line before the signatures");
        }
        String text = message.substring(0, split + 1);
        checkText(text);
        String block = message.substring(split + 2);
        if (block.isEmpty() || !block.endsWith("\n")) {
            throw new VerificationException("malformed note: signature lines must end with a newline");
        }
        List<Signature> signatures = new ArrayList<>();
        for (String line : block.substring(0, block.length() - 1).split("\n", -1)) {
            signatures.add(parseSignature(line));
            if (signatures.size() > MAX_SIGNATURES) {
                throw new VerificationException("malformed note: more than " + MAX_SIGNATURES + " signatures");
            }
        }
        return new SignedNote(text, signatures);
    }

    /** Decodes {@code message} as strict UTF-8, then {@link #parse}s it. */
    public static SignedNote parse(byte[] message) throws VerificationException {
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(message)).toString();
            return parse(text);
        } catch (CharacterCodingException e) {
            throw new VerificationException("malformed note: not UTF-8");
        }
    }

    /**
     * Parses {@code message} and checks it against {@code verifiers}: every signature by a known
     * key (same name and key id) must verify, and at least one must be there. Signatures by unknown
     * keys, such as witnesses' cosignatures, are kept but not checked.
     */
    public static SignedNote open(String message, List<NoteVerifier> verifiers) throws VerificationException {
        SignedNote note = parse(message);
        note.verifiedBy(verifiers);
        return note;
    }

    /** Checks the signatures by known keys as {@link #open} does; returns the keys that signed. */
    public List<NoteVerifier> verifiedBy(List<NoteVerifier> verifiers) throws VerificationException {
        List<NoteVerifier> signers = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Signature signature : signatures) {
            NoteVerifier verifier = verifiers.stream()
                    .filter(v -> v.name().equals(signature.name()) && v.keyId() == signature.keyId())
                    .findFirst().orElse(null);
            if (verifier == null) {
                continue;
            }
            if (!seen.add(signature.name() + "+" + signature.keyId())) {
                throw new VerificationException("note signed twice by " + signature.name());
            }
            if (!verifier.verify(text, signature.signature())) {
                throw new VerificationException("invalid signature by " + verifier.vkey());
            }
            signers.add(verifier);
        }
        if (signers.isEmpty()) {
            throw new VerificationException("note has no signature by a known key (known: "
                    + verifiers.stream().map(NoteVerifier::name).toList() + ")");
        }
        return signers;
    }

    /** The note as it travels: text, blank line, signature lines. */
    public String format() {
        StringBuilder out = new StringBuilder(text).append('\n');
        for (Signature signature : signatures) {
            ByteBuffer payload = ByteBuffer.allocate(4 + signature.signature.length)
                    .putInt(signature.keyId()).put(signature.signature);
            out.append(SIGNATURE_PREFIX).append(signature.name()).append(' ')
                    .append(Base64.getEncoder().encodeToString(payload.array())).append('\n');
        }
        return out.toString();
    }

    static void requireValidText(String text) {
        try {
            checkText(text);
        } catch (VerificationException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    private static void checkText(String text) throws VerificationException {
        if (text.isEmpty() || !text.endsWith("\n")) {
            throw new VerificationException("malformed note: the text must end with a newline");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < 0x20 && c != '\n') || c == 0x7F || Character.isSurrogate(c) && !validSurrogate(text, i)) {
                throw new VerificationException("malformed note: control character in the text at offset " + i);
            }
        }
    }

    private static boolean validSurrogate(String text, int i) {
        char c = text.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(text.charAt(i - 1));
    }

    private static Signature parseSignature(String line) throws VerificationException {
        if (!line.startsWith(SIGNATURE_PREFIX)) {
            throw new VerificationException("malformed note: signature line does not start with an em dash");
        }
        String rest = line.substring(SIGNATURE_PREFIX.length());
        int space = rest.indexOf(' ');
        if (space < 0) {
            throw new VerificationException("malformed note: signature line without a key name");
        }
        String name = rest.substring(0, space);
        if (!NoteKeys.isValidName(name)) {
            throw new VerificationException("malformed note: invalid key name '" + name + "'");
        }
        byte[] payload;
        try {
            payload = Base64.getDecoder().decode(rest.substring(space + 1));
        } catch (IllegalArgumentException e) {
            throw new VerificationException("malformed note: signature by " + name + " is not base64");
        }
        if (payload.length < 5) {
            throw new VerificationException("malformed note: signature by " + name + " is too short");
        }
        int keyId = ByteBuffer.wrap(payload, 0, 4).getInt();
        return new Signature(name, keyId, Arrays.copyOfRange(payload, 4, payload.length));
    }
}
