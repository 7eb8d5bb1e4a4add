package dev.cairn.access;

import dev.cairn.platform.PlatformProperties;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Which paths need which key: everything under /v1 needs a user key (or better), except the
 * annotation queues, which annotator keys may work too and which check finer roles themselves; admin paths an admin key, and
 * /metrics an admin key unless {@code cairn.metrics.public} opens it. Health endpoints and the annotator
 * page ({@code /annotate}, which holds no data and calls the annotation paths with the key pasted into it) are public;
 * the audit log's /log/ resources are the audit feature's to guard ({@code LogAccessConfig}).
 */
@Configuration(proxyBeanMethods = false)
public class AccessConfig implements WebMvcConfigurer {

    /** The paths annotator keys may call. */
    public static final String ANNOTATION_PATHS = "/v1/annotation/**";

    private final ApiKeyService keys;
    private final PlatformProperties platform;

    public AccessConfig(ApiKeyService keys, PlatformProperties platform) {
        this.keys = keys;
        this.platform = platform;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new ApiKeyInterceptor(keys, Role.USER)).addPathPatterns("/v1/**")
                .excludePathPatterns(ANNOTATION_PATHS);
        // An annotator key gets this far and no further: every other /v1 path wants a user key.
        registry.addInterceptor(new ApiKeyInterceptor(keys, Role.ANNOTATOR)).addPathPatterns(ANNOTATION_PATHS);
        var admin = registry.addInterceptor(new ApiKeyInterceptor(keys, Role.ADMIN)).addPathPatterns("/admin/**");
        if (!platform.metrics().isPublic()) {
            admin.addPathPatterns("/metrics");
        }
    }
}
