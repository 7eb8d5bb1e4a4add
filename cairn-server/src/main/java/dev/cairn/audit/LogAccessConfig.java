package dev.cairn.audit;

import dev.cairn.access.ApiKeyInterceptor;
import dev.cairn.access.ApiKeyService;
import dev.cairn.access.Role;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Who may read the audit log's /log/ resources (tiles, entry bundles, checkpoints): what
 * {@code cairn.audit.read-access} says, auditor keys by default. The log's verifier key is public.
 */
@Configuration(proxyBeanMethods = false)
class LogAccessConfig implements WebMvcConfigurer {

    private final ApiKeyService keys;
    private final AuditProperties audit;

    LogAccessConfig(ApiKeyService keys, AuditProperties audit) {
        this.keys = keys;
        this.audit = audit;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
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
