package dev.cairn.access;

import java.time.Instant;
import java.util.List;

/**
 * One API key as stored: never the secret, only its hash and a short displayable prefix.
 * An empty {@code allowedModels} list means every model.
 */
public record ApiKey(String id,
                     String secretHash,
                     String displayPrefix,
                     String workspace,
                     String name,
                     Role role,
                     List<String> allowedModels,
                     Instant createdAt,
                     Instant revokedAt,
                     Instant lastUsedAt) {

    public boolean revoked() {
        return revokedAt != null;
    }

    public boolean admin() {
        return role == Role.ADMIN;
    }

    public Principal principal() {
        return new Principal(id, workspace, role, allowedModels);
    }
}
