package dev.cairn.audit;

import java.security.SecureRandom;
import java.util.HexFormat;

import dev.cairn.ledger.NoteSigner;
import dev.cairn.ledger.NoteVerifier;
import dev.cairn.platform.InvalidConfigurationException;
import org.springframework.stereotype.Component;

/**
 * The log's name (its origin) and its Ed25519 checkpoint key. The key comes from
 * {@code cairn.audit.signing-key}, or from a key file that is created at first start; the key's
 * name is the origin, so a log cannot silently change either.
 */
@Component
public class LogIdentity {

    private final NoteSigner signer;

    public LogIdentity(AuditProperties audit, KeyFiles files) {
        this.signer = load(audit, files);
    }

    static NoteSigner load(AuditProperties audit, KeyFiles files) {
        String configuredOrigin = blankToNull(audit.origin());
        NoteSigner signer;
        if (blankToNull(audit.signingKey()) != null) {
            signer = NoteSigner.parse(audit.signingKey());
        } else {
            String origin = configuredOrigin != null ? configuredOrigin : defaultOrigin();
            signer = NoteSigner.parse(files.signingKey(() -> NoteSigner.generate(origin).skey()));
        }
        if (configuredOrigin != null && !configuredOrigin.equals(signer.name())) {
            throw new InvalidConfigurationException("cairn.audit.origin is '" + configuredOrigin
                    + "' but the log's signing key is named '" + signer.name()
                    + "'; a log keeps its origin for life: use the key's name or a new data dir");
        }
        return signer;
    }

    public String origin() {
        return signer.name();
    }

    public NoteSigner signer() {
        return signer;
    }

    public NoteVerifier verifier() {
        return signer.verifier();
    }

    private static String defaultOrigin() {
        byte[] random = new byte[4];
        new SecureRandom().nextBytes(random);
        return "cairn.local/log-" + HexFormat.of().formatHex(random);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
