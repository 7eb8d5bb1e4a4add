package dev.cairn.gateway.routing;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.cairn.platform.AdminAction;
import dev.cairn.platform.ApiError;
import dev.cairn.platform.InvalidConfigurationException;
import dev.cairn.platform.RequestException;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;

/**
 * Sets and removes the model groups admins store: checks each change against every group it would
 * leave in force, stores it, applies it in this process at once (other processes within
 * {@link StoredModelGroups#REFRESH_INTERVAL}), and records it in the audit log with the group
 * before and after.
 */
@Service
class ModelGroupAdmin {

    static final String UPDATED = "admin.models.updated";
    static final String DELETED = "admin.models.deleted";

    private final ModelGroupRepository repository;
    private final StoredModelGroups stored;
    private final Routing routing;
    private final RoutingProperties properties;
    private final ApplicationEventPublisher events;

    ModelGroupAdmin(ModelGroupRepository repository, StoredModelGroups stored, Routing routing, RoutingProperties properties,
                    ApplicationEventPublisher events) {
        this.repository = repository;
        this.stored = stored;
        this.routing = routing;
        this.properties = properties;
        this.events = events;
    }

    /**
     * A group in force: configured in {@code cairn.models}, or stored by an admin ({@code stored}),
     * possibly in place of a configured group of the same name ({@code replacesConfig}).
     *
     * @param updatedAt null for a configured group
     * @param updatedBy the admin key that last set it; null for a configured group
     */
    record InForce(String name, RoutingProperties.GroupSpec spec, boolean stored, boolean replacesConfig,
                   Instant updatedAt, String updatedBy) {
    }

    /** Every group in force, the configured ones first, each as configured or as an admin replaced it. */
    List<InForce> list() {
        Map<String, InForce> all = new LinkedHashMap<>();
        properties.models().forEach((name, spec) -> all.put(name, configured(name)));
        stored.loaded().groups().values().forEach(group -> all.put(group.name(), admin(group)));
        return List.copyOf(all.values());
    }

    Optional<InForce> find(String name) {
        ModelGroupRepository.Stored group = stored.loaded().groups().get(name);
        return Optional.ofNullable(group != null ? admin(group) : configured(name));
    }

    /** Stores {@code spec} as the group {@code name}, in place of any configured or stored group of that name. */
    InForce set(String name, RoutingProperties.GroupSpec spec, String actorKeyId) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS); // what the table keeps
        ModelGroupRepository.Stored before = repository.change(name, spec, actorKeyId, now, after -> {
            try {
                check(name, after);
            } catch (InvalidConfigurationException e) {
                throw refusal(e, names(after, name), 400, "invalid_value", "");
            }
        }).orElse(null);
        stored.refresh();
        // Described from what this change stored, not from the snapshot, which may already hold a later change.
        InForce after = new InForce(name, spec, true, properties.models().containsKey(name), now, actorKeyId);
        record(UPDATED, name, before != null ? admin(before) : configured(name), after, actorKeyId);
        return after;
    }

    /**
     * Removes the stored group {@code name}, so that the configured group of that name, if any,
     * applies again (returned); refused while another group falls back to it and would route nowhere.
     */
    Optional<InForce> remove(String name, String actorKeyId) {
        if (!stored.loaded().groups().containsKey(name)) {
            // The snapshot may be up to one refresh behind another process's PUT; the database decides.
            stored.refresh();
        }
        if (!stored.loaded().groups().containsKey(name)) {
            throw properties.models().containsKey(name)
                    ? new RequestException(new ApiError(409, "invalid_request_error", "model_group_configured", "name",
                            "The model group '" + name + "' is configured (cairn.models." + name
                                    + "); only groups set through this API can be deleted"))
                    : notFound(name);
        }
        ModelGroupRepository.Stored before = repository.change(name, null, actorKeyId, Instant.now(), after -> {
            try {
                check(name, after);
            } catch (InvalidConfigurationException e) {
                throw refusal(e, names(after, name), 409, "model_group_in_use",
                        "The model group '" + name + "' cannot be deleted: ");
            }
        }).orElseThrow(() -> notFound(name));
        stored.refresh();
        InForce after = configured(name);
        record(DELETED, name, admin(before), after, actorKeyId);
        return Optional.ofNullable(after);
    }

    static RequestException notFound(String name) {
        return new RequestException(new ApiError(404, "invalid_request_error", "model_group_not_found", "name",
                "No model group named '" + name + "'"));
    }

    /**
     * Checks every group as {@code storedAfter} (all the stored groups after a change of {@code name})
     * leaves them in force; the changed group is checked first, so a cycle it makes is named by its keys.
     */
    private void check(String name, Map<String, RoutingProperties.GroupSpec> storedAfter) {
        Map<String, RoutingProperties.GroupSpec> changes = new LinkedHashMap<>();
        changes.put(name, storedAfter.get(name));
        // Routing checks changes over the groups it loaded last, which may be a refresh behind the database.
        stored.current().groups().keySet().forEach(other -> changes.putIfAbsent(other, null));
        changes.putAll(storedAfter);
        routing.check(changes);
    }

    private Set<String> names(Map<String, RoutingProperties.GroupSpec> storedAfter, String name) {
        Set<String> names = new HashSet<>(properties.models().keySet());
        names.addAll(stored.current().groups().keySet());
        names.addAll(storedAfter.keySet());
        names.add(name);
        return names;
    }

    /**
     * The check's failure as an API error. Its message starts with the key, {@code <group>.<path>}
     * with the YAML's kebab-case path; the API's fields are snake_case, so the path is rewritten
     * (not the group's name, which may hold a '-'), and the key becomes the error's {@code param}.
     */
    private static RequestException refusal(InvalidConfigurationException e, Set<String> names, int status, String code,
                                            String lead) {
        String message = e.getMessage();
        String group = null;
        for (String name : names) {
            boolean starts = message.startsWith(name + ".") || message.startsWith(name + " ");
            if (starts && (group == null || name.length() > group.length())) {
                group = name;
            }
        }
        if (group == null) {
            return new RequestException(new ApiError(status, "invalid_request_error", code, null, lead + message));
        }
        String rest = message.substring(group.length());
        int end = rest.indexOf(' ');
        String key = group + rest.substring(0, end).replace('-', '_');
        return new RequestException(new ApiError(status, "invalid_request_error", code, key, lead + key + rest.substring(end)));
    }

    private InForce configured(String name) {
        RoutingProperties.GroupSpec spec = properties.models().get(name);
        return spec == null ? null : new InForce(name, spec, false, false, null, null);
    }

    private InForce admin(ModelGroupRepository.Stored group) {
        return new InForce(group.name(), group.spec(), true, properties.models().containsKey(group.name()),
                group.updatedAt(), group.updatedBy());
    }

    private void record(String type, String name, InForce before, InForce after, String actorKeyId) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("name", name);
        details.put("before", before == null ? null : GroupJson.describe(before));
        details.put("after", after == null ? null : GroupJson.describe(after));
        events.publishEvent(new AdminAction(type, null, actorKeyId, details));
    }
}
