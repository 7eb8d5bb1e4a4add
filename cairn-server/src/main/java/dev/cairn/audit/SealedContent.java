package dev.cairn.audit;

import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.zip.DataFormatException;

import javax.crypto.AEADBadTagException;

import dev.cairn.platform.JsonBodies;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/** Opens the sealed part of an entry for a reader allowed to see it, if its subject's key still exists. */
@Component
public class SealedContent {

    /** What a reader gets: the content, or why not. */
    public record Opened(String state, JsonNode content) {
        static final Opened NONE = new Opened("none", null);
        static final Opened ERASED = new Opened("erased", null);
        static final Opened ARCHIVED = new Opened("archived", null);
    }

    private final SubjectKeys subjectKeys;
    private final EntryStore entries;

    SealedContent(SubjectKeys subjectKeys, EntryStore entries) {
        this.subjectKeys = subjectKeys;
        this.entries = entries;
    }

    public Opened open(StoredEntry stored, JsonNode entry) {
        JsonNode seal = entry.get("sealed");
        if (seal == null || !seal.isObject()) {
            return Opened.NONE;
        }
        Optional<SubjectKeys.DataKey> key = subjectKeys.byId(seal.path("key").asString(""));
        if (key.isEmpty()) {
            return Opened.ERASED;
        }
        byte[] sealed;
        if (seal.has("ct")) {
            sealed = Base64.getDecoder().decode(seal.get("ct").asString());
        } else {
            Optional<byte[]> blob = entries.blob(stored.index());
            if (blob.isEmpty()) {
                return Opened.ARCHIVED;
            }
            sealed = blob.get();
            if (!sha256Hex(sealed).equals(seal.path("ct_sha256").asString(""))) {
                throw new IllegalStateException("sealed content of entry " + stored.index() + " does not match its digest");
            }
        }
        String zip = seal.path(SealedCompression.MEMBER).asString(null);
        if (zip != null && !zip.equals(SealedCompression.DEFLATE)) {
            throw new IllegalStateException("sealed content of entry " + stored.index() + " is compressed by '" + zip
                    + "', which this Cairn does not know");
        }
        try {
            byte[] plain = Aead.open(key.get().key(), sealed, entry.path("id").asString());
            if (zip != null) {
                plain = SealedCompression.inflate(plain);
            }
            return new Opened("available", JsonBodies.JSON.readTree(plain));
        } catch (AEADBadTagException e) {
            throw new IllegalStateException("sealed content of entry " + stored.index() + " does not open", e);
        } catch (DataFormatException e) {
            throw new IllegalStateException("sealed content of entry " + stored.index() + " does not inflate", e);
        }
    }

    public static String sha256Hex(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
