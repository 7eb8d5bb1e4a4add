package dev.cairn.audit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.AEADBadTagException;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import com.github.benmanes.caffeine.cache.Cache;
import dev.cairn.platform.CacheBytes;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The key that wraps every subject's data key, and names subjects without storing who they are.
 * It comes from {@code cairn.audit.master-key} (base64 of 32 bytes) or a key file ({@link KeyFiles}),
 * never from the database that holds what it wraps.
 */
@Component
public class MasterKey {

    private final SecretKey wrapKey;
    private final byte[] subjectIdKey;
    /** The same few subjects come back request after request; an HMAC each time is wasted work. */
    /** By bytes: a subject's name is the client's {@code user} field, of any length. */
    private final Cache<String, String> subjectIds = CacheBytes.<String, String>bounded(16 << 20,
            (subject, id) -> CacheBytes.of(subject) + CacheBytes.of(id)).build();

    @Autowired
    public MasterKey(AuditProperties audit, KeyFiles files) {
        this(load(audit, files));
    }

    MasterKey(byte[] master) {
        if (master.length != 32) {
            throw new IllegalStateException("the audit master key must be 32 bytes (base64), got " + master.length);
        }
        // Separate keys for separate jobs, derived so that one cannot stand in for the other.
        this.wrapKey = new SecretKeySpec(hmac(master, "cairn audit: wrap data keys"), "AES");
        this.subjectIdKey = hmac(master, "cairn audit: subject ids");
    }

    /**
     * A stable pseudonym for a subject within a workspace: the same person gets the same id, and
     * the id alone does not say who it is.
     */
    public String subjectId(String workspace, String subject) {
        return subjectIds.get(workspace + "\u0000" + subject, name -> "sub_" + HexFormat.of().formatHex(hmac(subjectIdKey, name), 0, 16));
    }

    /**
     * The data key sealed under the master key, bound to {@code keyId} (an audit key's id, or
     * {@code memory:<workspace>} for a workspace's memory key), which unwrapping must name again.
     */
    public byte[] wrap(SecretKey dataKey, String keyId) {
        return Aead.seal(wrapKey, dataKey.getEncoded(), keyId);
    }

    public SecretKey unwrap(byte[] wrapped, String keyId) throws AEADBadTagException {
        return new SecretKeySpec(Aead.open(wrapKey, wrapped, keyId), "AES");
    }

    private static byte[] load(AuditProperties audit, KeyFiles files) {
        String configured = audit.masterKey();
        String encoded = configured != null && !configured.isBlank() ? configured.strip() : files.masterKey(MasterKey::generate);
        try {
            return Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the audit master key is not base64", e);
        }
    }

    private static String generate() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /** HMAC-SHA256 of {@code message}'s UTF-8 under {@code key}: how every key of the audit log is derived. */
    static byte[] hmac(byte[] key, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is part of every JDK", e);
        }
    }
}
