package dev.cairn.compliance;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import dev.cairn.audit.CanonicalJson;
import dev.cairn.ledger.NoteSigner;
import dev.cairn.ledger.NoteVerifier;
import dev.cairn.ledger.SignedNote;
import dev.cairn.ledger.VerificationException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A report's signature: a C2SP signed note by the log's Ed25519 key over the SHA-256 of the
 * report's canonical JSON (RFC 8785). Its first line, {@value #HEADER}, is never a log origin, so a
 * report signature cannot pass for a checkpoint nor a checkpoint for a report signature. The
 * members added after signing (the signature itself, where the report was recorded, a subject's
 * opened content) are left out of the digest.
 */
public final class ReportSignature {

    public static final String HEADER = "cairn compliance report v1";
    /** Members outside the signed digest. */
    public static final Set<String> UNSIGNED = Set.of("signature", "recorded", "subject_content");

    private ReportSignature() {
    }

    /** The hex SHA-256 of the report's canonical JSON without its unsigned members. */
    public static String digest(JsonNode report) {
        ObjectNode signed = ((ObjectNode) report).deepCopy();
        UNSIGNED.forEach(signed::remove);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(CanonicalJson.bytes(signed)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    static String sign(JsonNode report, NoteSigner signer) {
        return signer.sign(text(report.path("id").asString(), digest(report)));
    }

    /** Checks the report's signature against the log's key; the message says what is wrong. */
    public static void verify(JsonNode report, NoteVerifier verifier) throws VerificationException {
        String note = report.path("signature").asString("");
        if (note.isEmpty()) {
            throw new VerificationException("the report has no signature");
        }
        SignedNote opened = SignedNote.open(note, List.of(verifier));
        String expected = text(report.path("id").asString(), digest(report));
        if (!opened.text().equals(expected)) {
            throw new VerificationException("the report's signature is over another report: the report was changed after "
                    + "it was signed (its digest is now " + digest(report) + ")");
        }
    }

    private static String text(String id, String digest) {
        return HEADER + "\n" + id + "\n" + digest + "\n";
    }
}
