package dev.cairn.access;

import dev.cairn.platform.PlatformProperties;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Which paths need which key: everything under /v1 needs a key, admin paths an admin key, and
 * /metrics an admin key unless {@code cairn.metrics.public} opens it. Health endpoints are public;
 * the audit log's /log/ resources are the audit feature's to guard ({@code LogAccessConfig}).
 */
@Configuration(proxyBeanMethods = false)
public class AccessConfig implements WebMvcConfigurer {

    private final ApiKeyService keys;
    private final PlatformProperties platform;

    public AccessConfig(ApiKeyService keys, PlatformProperties platform) {
        this.keys = keys;
        this.platform = platform;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new ApiKeyInterceptor(keys, Role.USER)).addPathPatterns("/v1/**");
        var admin = registry.addInterceptor(new ApiKeyInterceptor(keys, Role.ADMIN)).addPathPatterns("/admin/**");
        if (!platform.metrics().isPublic()) {
            admin.addPathPatterns("/metrics");
        }
    }
}
