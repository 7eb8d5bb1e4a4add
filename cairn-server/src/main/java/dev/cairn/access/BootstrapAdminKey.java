package dev.cairn.access;

import dev.cairn.platform.AdminAction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Installs {@code CAIRN_BOOTSTRAP_ADMIN_KEY} as an admin key at start, for automated set-ups. It
 * runs before the web server opens its port, so the key works from the first request; the audit
 * log, which opens later, records the creation once the application is ready.
 */
@Component
class BootstrapAdminKey implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(BootstrapAdminKey.class);

    private final ApiKeyService keys;
    private final AccessProperties properties;
    private final ApplicationEventPublisher events;
    private AdminAction created;

    BootstrapAdminKey(ApiKeyService keys, AccessProperties properties, ApplicationEventPublisher events) {
        this.keys = keys;
        this.properties = properties;
        this.events = events;
    }

    @EventListener(ApplicationReadyEvent.class)
    void recordCreation() {
        if (created != null) {
            events.publishEvent(created);
            created = null;
        }
    }

    @Override
    public void afterSingletonsInstantiated() {
        String secret = properties.bootstrapAdminKey();
        if (secret != null && !secret.isBlank()) {
            boolean existed = keys.exists(secret.trim());
            ApiKey key = keys.ensureBootstrapAdmin(secret.trim());
            if (!existed) {
                created = ApiKeyService.keyCreated(key, null);
            }
            if (key.revoked()) {
                log.warn("The bootstrap admin key {} has been revoked; it stays revoked", key.id());
            } else {
                log.info("Bootstrap admin key present as {}", key.id());
            }
        }
    }
}
