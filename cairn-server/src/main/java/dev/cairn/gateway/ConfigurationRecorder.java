package dev.cairn.gateway;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

import dev.cairn.audit.AuditEvent;
import dev.cairn.audit.AuditLog;
import dev.cairn.audit.AuditProperties;
import dev.cairn.audit.AuditRepository;
import dev.cairn.audit.CanonicalJson;
import dev.cairn.audit.SealedContent;
import dev.cairn.platform.Ids;
import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.PlatformProperties;
import dev.cairn.usage.PricingProperties;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ObjectNode;

/**
 * Records the configuration Cairn runs with whenever it differs from the last one recorded, so
 * that the audit log shows when routing, limits, prices or audit settings changed. In the gateway,
 * whose settings are most of it, since the audit feature reads no other feature's settings. Secrets (API keys,
 * signing and master keys, header values) are left out.
 */
@Component
public class ConfigurationRecorder {

    static final String TYPE = "admin.config.changed";

    private final GatewayProperties gateway;
    private final PricingProperties pricing;
    private final PlatformProperties platform;
    private final AuditProperties audit;
    private final AuditLog auditLog;
    private final AuditRepository repository;

    public ConfigurationRecorder(GatewayProperties gateway, PricingProperties pricing, PlatformProperties platform,
                          AuditProperties audit, AuditLog auditLog, AuditRepository repository) {
        this.gateway = gateway;
        this.pricing = pricing;
        this.platform = platform;
        this.audit = audit;
        this.auditLog = auditLog;
        this.repository = repository;
    }

    @EventListener(ApplicationReadyEvent.class)
    public void recordIfChanged() {
        ObjectNode configuration = JsonBodies.JSON.valueToTree(effective());
        String digest = SealedContent.sha256Hex(CanonicalJson.bytes(configuration));
        String last = repository.latestOfType(TYPE)
                .map(e -> JsonBodies.JSON.readTree(e.data()).path("data").path("digest").asString(""))
                .orElse("");
        if (digest.equals(last)) {
            return;
        }
        ObjectNode data = JsonBodies.JSON.createObjectNode();
        data.put("digest", digest);
        data.set("configuration", configuration);
        auditLog.record(new AuditEvent(TYPE, Ids.newId("evt"), Instant.now(), null, null, null, null, data, null));
    }

    private Map<String, Object> effective() {
        Map<String, Object> providers = new TreeMap<>();
        gateway.providers().forEach((name, p) -> {
            Map<String, Object> provider = new TreeMap<>(Map.of(
                    "type", String.valueOf(p.type()),
                    "base_url", String.valueOf(p.baseUrl()),
                    "connect_timeout", p.connectTimeout().toString(),
                    "read_timeout", p.readTimeout().toString(),
                    "models", p.models(),
                    "header_names", p.headers().keySet().stream().sorted().toList()));
            if (p.responsesApi()) {
                // Only when not the default: a configuration that did not change keeps its digest.
                provider.put("api", p.api());
            }
            providers.put(name, provider);
        });
        Map<String, Object> prices = new TreeMap<>();
        pricing.pricing().forEach(p -> prices.put(p.model(), Map.of("input", p.input(), "output", p.output())));
        return Map.of(
                "providers", providers,
                "aliases", new TreeMap<>(gateway.aliases()),
                "pricing", prices,
                "gateway", Map.of("max_body_size", platform.gateway().maxBodySize().toString(),
                        "anthropic_default_max_tokens", gateway.gateway().anthropicDefaultMaxTokens()),
                "metrics_public", platform.metrics().isPublic(),
                "audit", Map.of("enabled", audit.enabled(), "durability", audit.durability().name().toLowerCase(),
                        "read_access", audit.readAccess().name().toLowerCase(),
                        "checkpoint_interval", audit.checkpointInterval().toString(),
                        // What the EU AI Act's six months are checked against (docs/compliance.md).
                        "retention", Map.of("hot_period", audit.retention().hotPeriod().toString(),
                                "forced", audit.retention().force(),
                                "archive_dir", audit.retention().archiveDir() == null ? "" : audit.retention().archiveDir().toString())));
    }
}
