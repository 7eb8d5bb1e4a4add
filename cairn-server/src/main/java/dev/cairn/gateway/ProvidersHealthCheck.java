package dev.cairn.gateway;

import java.util.List;

import dev.cairn.platform.Health;
import dev.cairn.platform.HealthCheck;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/** Readiness of routing: at least one provider is configured, and which ones (the built-in cairn counts). */
@Component
@Order(200)
class ProvidersHealthCheck implements HealthCheck {

    private final ModelRouter router;

    ProvidersHealthCheck(ModelRouter router) {
        this.router = router;
    }

    @Override
    public String name() {
        return "providers";
    }

    @Override
    public Health check() {
        List<String> providers = router.providers().stream().map(ProviderClient::name).toList();
        return Health.of(providers.isEmpty() ? Health.Status.DOWN : Health.Status.UP).with("configured", providers);
    }
}
