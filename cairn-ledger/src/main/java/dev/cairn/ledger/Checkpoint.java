package dev.cairn.ledger;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * A C2SP tlog-checkpoint body: the log's origin, a tree size and its root hash, then optional
 * extension lines. Signed as a {@link SignedNote}, it is what a log commits to.
 *
 * @param origin the log's unique name, conventionally a schema-less URL
 * @param size the number of entries the checkpoint covers
 * @param rootHash the RFC 9162 root of the tree of that size
 * @param extensions further non-empty lines, such as a timestamp
 */
public record Checkpoint(String origin, long size, byte[] rootHash, List<String> extensions) {

    public Checkpoint {
        if (origin == null || origin.isEmpty() || origin.contains("\n")) {
            throw new IllegalArgumentException("a checkpoint origin is one non-empty line");
        }
        if (size < 0) {
            throw new IllegalArgumentException("negative tree size " + size);
        }
        if (rootHash == null || rootHash.length != Hashes.SIZE) {
            throw new IllegalArgumentException("a root hash is " + Hashes.SIZE + " bytes");
        }
        rootHash = rootHash.clone();
        extensions = List.copyOf(extensions);
        for (String line : extensions) {
            if (line.isEmpty() || line.contains("\n")) {
                throw new IllegalArgumentException("an extension is one non-empty line");
            }
        }
    }

    public Checkpoint(String origin, long size, byte[] rootHash) {
        this(origin, size, rootHash, List.of());
    }

    @Override
    public byte[] rootHash() {
        return rootHash.clone();
    }

    /** The body as it is signed. */
    public String body() {
        StringBuilder body = new StringBuilder()
                .append(origin).append('\n')
                .append(size).append('\n')
                .append(Base64.getEncoder().encodeToString(rootHash)).append('\n');
        for (String line : extensions) {
            body.append(line).append('\n');
        }
        return body.toString();
    }

    /** Parses a checkpoint body (a signed note's text), strictly. */
    public static Checkpoint parse(String body) throws VerificationException {
        if (!body.endsWith("\n")) {
            throw new VerificationException("malformed checkpoint: must end with a newline");
        }
        String[] lines = body.substring(0, body.length() - 1).split("\n", -1);
        if (lines.length < 3) {
            throw new VerificationException("malformed checkpoint: needs origin, size and root hash lines");
        }
        String sizeLine = lines[1];
        if (sizeLine.isEmpty() || sizeLine.length() > 19 || !sizeLine.chars().allMatch(c -> c >= '0' && c <= '9')
                || (sizeLine.length() > 1 && sizeLine.charAt(0) == '0')) {
            throw new VerificationException("malformed checkpoint: size '" + sizeLine + "' is not a decimal number");
        }
        byte[] root;
        try {
            root = Base64.getDecoder().decode(lines[2]);
        } catch (IllegalArgumentException e) {
            throw new VerificationException("malformed checkpoint: root hash is not base64");
        }
        if (root.length != Hashes.SIZE) {
            throw new VerificationException("malformed checkpoint: root hash is not 32 bytes");
        }
        List<String> extensions = new ArrayList<>(Arrays.asList(lines).subList(3, lines.length));
        if (lines[0].isEmpty() || extensions.stream().anyMatch(String::isEmpty)) {
            throw new VerificationException("malformed checkpoint: empty line");
        }
        try {
            return new Checkpoint(lines[0], Long.parseLong(sizeLine), root, extensions);
        } catch (NumberFormatException e) {
            throw new VerificationException("malformed checkpoint: size out of range");
        }
    }

    /**
     * Opens a signed checkpoint note with {@code verifier} and parses its body. The origin need not
     * equal the key name (sum.golang.org signs "go.sum database tree"); callers that expect a
     * particular origin compare it themselves.
     */
    public static Checkpoint open(String note, NoteVerifier verifier) throws VerificationException {
        return parse(SignedNote.open(note, List.of(verifier)).text());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Checkpoint other && origin.equals(other.origin) && size == other.size
                && Arrays.equals(rootHash, other.rootHash) && extensions.equals(other.extensions);
    }

    @Override
    public int hashCode() {
        return (origin.hashCode() * 31 + Long.hashCode(size)) * 31 + Arrays.hashCode(rootHash);
    }

    @Override
    public String toString() {
        return "Checkpoint[" + origin + ", " + size + ", " + Hashes.hex(rootHash) + "]";
    }
}
