package dev.cairn.access;

import dev.cairn.platform.Settings;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The admin key installed at start ({@code cairn.bootstrap-admin-key}), so a fresh server can be
 * administered without a shell on its host; none when empty.
 */
@ConfigurationProperties("cairn")
public record AccessProperties(String bootstrapAdminKey) {

    public AccessProperties {
        if (bootstrapAdminKey != null && !bootstrapAdminKey.isBlank() && !ApiKeySecrets.wellFormed(bootstrapAdminKey.trim())) {
            // The value is a secret: the message says what is wrong with it, not what it is.
            throw Settings.invalid("cairn.bootstrap-admin-key",
                    "must be 'ck_' followed by 32 to 128 characters of [A-Za-z0-9_-]");
        }
    }
}
