package dev.cairn.memory;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.List;

import javax.crypto.AEADBadTagException;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import dev.cairn.audit.Aead;

/**
 * A workspace's memory key, split (by HMAC) into a key that seals content and embeddings with
 * AES-256-GCM, each bound to its item, and a key that turns index words into keyed hashes.
 */
public final class WorkspaceKey {

    /** Bytes of HMAC-SHA256 kept per term: 64 bits, so two words of a workspace practically never share one. */
    private static final int TERM_BYTES = 8;

    private final SecretKey sealing;
    private final SecretKeySpec terms;
    private final ThreadLocal<Mac> macs;

    WorkspaceKey(byte[] raw) {
        this.sealing = new SecretKeySpec(hmac(new SecretKeySpec(raw, "HmacSHA256"), "cairn memory: seal"), "AES");
        this.terms = new SecretKeySpec(hmac(new SecretKeySpec(raw, "HmacSHA256"), "cairn memory: index terms"), "HmacSHA256");
        this.macs = ThreadLocal.withInitial(() -> mac(terms));
    }

    byte[] seal(String text, String itemId) {
        return Aead.seal(sealing, text.getBytes(StandardCharsets.UTF_8), "content:" + itemId);
    }

    String open(byte[] sealed, String itemId) {
        return new String(openBytes(sealed, "content:" + itemId), StandardCharsets.UTF_8);
    }

    byte[] sealEmbedding(byte[] vector, String itemId) {
        return Aead.seal(sealing, vector, "embedding:" + itemId);
    }

    byte[] openEmbedding(byte[] sealed, String itemId) {
        return openBytes(sealed, "embedding:" + itemId);
    }

    /**
     * The index terms of these (stemmed) words, in order, space-separated: each the first
     * {@value #TERM_BYTES} bytes of its HMAC written as 16 letters a–p, which every full-text
     * tokenizer (FTS5's ascii, PostgreSQL's simple) takes as one plain word.
     */
    String terms(List<String> stems) {
        StringBuilder out = new StringBuilder(stems.size() * (TERM_BYTES * 2 + 1));
        Mac mac = macs.get();
        for (String stem : stems) {
            if (!out.isEmpty()) {
                out.append(' ');
            }
            byte[] digest = mac.doFinal(stem.getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < TERM_BYTES; i++) {
                out.append((char) ('a' + ((digest[i] >> 4) & 0xf))).append((char) ('a' + (digest[i] & 0xf)));
            }
        }
        return out.toString();
    }

    private byte[] openBytes(byte[] sealed, String context) {
        try {
            return Aead.open(sealing, sealed, context);
        } catch (AEADBadTagException e) {
            throw new IllegalStateException("memory content does not open with its workspace's key (" + context + ")", e);
        }
    }

    private static Mac mac(SecretKeySpec key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is part of every JDK", e);
        }
    }

    private static byte[] hmac(SecretKeySpec key, String label) {
        return mac(key).doFinal(label.getBytes(StandardCharsets.UTF_8));
    }
}
