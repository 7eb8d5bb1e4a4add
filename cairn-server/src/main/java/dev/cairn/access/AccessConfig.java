package dev.cairn.access;

import dev.cairn.audit.AuditProperties;
import dev.cairn.platform.PlatformProperties;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Which paths need which key: everything under /v1 needs a key, admin paths an admin key,
 * /metrics an admin key unless {@code cairn.metrics.public} opens it, and the audit log's /log/
 * resources what {@code cairn.audit.read-access} says (auditor keys by default). Health endpoints
 * and the log's verifier key are public.
 */
@Configuration(proxyBeanMethods = false)
public class AccessConfig implements WebMvcConfigurer {

    private final ApiKeyService keys;
    private final PlatformProperties platform;
    private final AuditProperties audit;

    public AccessConfig(ApiKeyService keys, PlatformProperties platform, AuditProperties audit) {
        this.keys = keys;
        this.platform = platform;
        this.audit = audit;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new ApiKeyInterceptor(keys, Role.USER)).addPathPatterns("/v1/**");
        var admin = registry.addInterceptor(new ApiKeyInterceptor(keys, Role.ADMIN)).addPathPatterns("/admin/**");
        if (!platform.metrics().isPublic()) {
            admin.addPathPatterns("/metrics");
        }
        // The log's tiles, entry bundles and checkpoints; its verifier key is public.
        switch (audit.readAccess()) {
            case AUDITOR -> registry.addInterceptor(new ApiKeyInterceptor(keys, Role.AUDITOR))
                    .addPathPatterns("/log/**").excludePathPatterns("/log/vkey");
            case ANY_KEY -> registry.addInterceptor(new ApiKeyInterceptor(keys, Role.USER))
                    .addPathPatterns("/log/**").excludePathPatterns("/log/vkey");
            case PUBLIC -> {
            }
        }
    }
}
