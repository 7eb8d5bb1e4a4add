package dev.cairn.access;

import dev.cairn.platform.CairnProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

/**
 * Installs {@code CAIRN_BOOTSTRAP_ADMIN_KEY} as an admin key at start, for automated set-ups. It
 * runs before the web server opens its port, so the key works from the first request.
 */
@Component
class BootstrapAdminKey implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(BootstrapAdminKey.class);

    private final ApiKeyService keys;
    private final CairnProperties properties;

    BootstrapAdminKey(ApiKeyService keys, CairnProperties properties) {
        this.keys = keys;
        this.properties = properties;
    }

    @Override
    public void afterSingletonsInstantiated() {
        String secret = properties.bootstrapAdminKey();
        if (secret != null && !secret.isBlank()) {
            ApiKey key = keys.ensureBootstrapAdmin(secret.trim());
            if (key.revoked()) {
                log.warn("The bootstrap admin key {} has been revoked; it stays revoked", key.id());
            } else {
                log.info("Bootstrap admin key present as {}", key.id());
            }
        }
    }
}
