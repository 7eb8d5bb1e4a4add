package dev.cairn.access;

import dev.cairn.platform.CairnProperties;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Which paths need which key: everything under /v1 needs a key, admin paths an admin key, and
 * /metrics an admin key unless {@code cairn.metrics.public} opens it. Health endpoints are public.
 */
@Configuration(proxyBeanMethods = false)
public class AccessConfig implements WebMvcConfigurer {

    private final ApiKeyService keys;
    private final CairnProperties properties;

    public AccessConfig(ApiKeyService keys, CairnProperties properties) {
        this.keys = keys;
        this.properties = properties;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new ApiKeyInterceptor(keys, false)).addPathPatterns("/v1/**");
        var admin = registry.addInterceptor(new ApiKeyInterceptor(keys, true)).addPathPatterns("/admin/**");
        if (!properties.metrics().isPublic()) {
            admin.addPathPatterns("/metrics");
        }
    }
}
