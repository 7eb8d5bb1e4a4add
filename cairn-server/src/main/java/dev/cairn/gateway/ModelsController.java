package dev.cairn.gateway;

import java.time.Instant;

import dev.cairn.access.Principal;
import dev.cairn.gateway.echo.EchoProvider;
import dev.cairn.gateway.routing.Group;
import dev.cairn.gateway.routing.Routing;
import dev.cairn.platform.JsonBodies;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /v1/models}: the built-in echo model (marked as such), each provider's advertised
 * models, the model groups and the aliases, limited to what the caller's key may use. Any {@code <provider>/<model>}
 * can be looked up by id, advertised or not.
 */
@RestController
public class ModelsController {

    private final ModelRouter router;
    private final Routing routing;
    /**
     * Every model's {@code created}: when this process took on its model configuration. Cairn cannot
     * know when an upstream made a model, and a zero reads as 1970 in clients that show it; this
     * time is true of every model Cairn offers and stays the same for the life of the process.
     */
    private final long created;

    public ModelsController(ModelRouter router, Routing routing) {
        this.router = router;
        this.routing = routing;
        this.created = Instant.now().getEpochSecond();
    }

    @GetMapping(path = "/v1/models", produces = MediaType.APPLICATION_JSON_VALUE)
    ObjectNode list(HttpServletRequest request) {
        Principal principal = Principal.of(request);
        ObjectNode json = JsonBodies.JSON.createObjectNode();
        json.put("object", "list");
        ArrayNode data = json.putArray("data");
        for (ProviderClient provider : router.providers()) {
            for (String model : provider.advertisedModels()) {
                String id = provider.name() + "/" + model;
                if (principal.mayUse(id)) {
                    data.add(describe(router.resolve(id)));
                }
            }
        }
        for (Group group : routing.table().groups().values()) {
            if (principal.mayUse(group.name())) {
                data.add(describe(group));
            }
        }
        router.aliases().keySet().stream().sorted().forEach(alias -> {
            Route route = router.resolve(alias);
            if (principal.mayUse(alias) || principal.mayUse(route.qualifiedModel())) {
                data.add(describe(route));
            }
        });
        return json;
    }

    @GetMapping(path = "/v1/models/{*id}", produces = MediaType.APPLICATION_JSON_VALUE)
    ObjectNode get(HttpServletRequest request, @PathVariable String id) {
        String model = id.startsWith("/") ? id.substring(1) : id;
        Group group = routing.plan(model, null, Principal.of(request)).primary();
        return group.configured() ? describe(group) : describe(group.deployments().getFirst().route());
    }

    /** A model group: its deployments, how it chooses among them, and where it falls back. */
    private ObjectNode describe(Group group) {
        ObjectNode model = JsonBodies.JSON.createObjectNode();
        model.put("id", group.name());
        model.put("object", "model");
        model.put("created", created);
        model.put("owned_by", "cairn");
        ObjectNode cairn = model.putObject("cairn");
        cairn.put("group", true);
        cairn.put("strategy", group.strategy().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        ArrayNode deployments = cairn.putArray("deployments");
        group.deployments().forEach(d -> deployments.addObject().put("model", d.name()).put("weight", d.weight()).put("tier", d.tier()));
        cairn.set("fallbacks", JsonBodies.JSON.valueToTree(group.fallbacks()));
        return model;
    }

    private ObjectNode describe(Route route) {
        ObjectNode model = JsonBodies.JSON.createObjectNode();
        model.put("id", route.requestedModel());
        model.put("object", "model");
        model.put("created", created);
        model.put("owned_by", route.provider().name());
        ObjectNode cairn = model.putObject("cairn");
        cairn.put("provider", route.provider().name());
        cairn.put("upstream_model", route.upstreamModel());
        if (!route.requestedModel().equals(route.qualifiedModel())) {
            cairn.put("alias_for", route.qualifiedModel());
        }
        boolean builtin = route.provider() instanceof EchoProvider;
        cairn.put("builtin", builtin);
        if (builtin) {
            cairn.put("description", EchoProvider.DESCRIPTION);
        }
        return model;
    }
}
