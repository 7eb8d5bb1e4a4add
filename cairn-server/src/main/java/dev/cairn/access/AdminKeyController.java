package dev.cairn.access;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.PlatformProperties;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The admin API for keys: create (the only time a secret is shown), list and revoke. */
@RestController
@RequestMapping(path = "/admin/keys", produces = MediaType.APPLICATION_JSON_VALUE)
public class AdminKeyController {

    private final ApiKeyService keys;
    private final long maxBodyBytes;

    public AdminKeyController(ApiKeyService keys, PlatformProperties platform) {
        this.keys = keys;
        this.maxBodyBytes = platform.gateway().maxBodySize().toBytes();
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    ObjectNode create(HttpServletRequest request) throws IOException {
        ObjectNode body = JsonBodies.parseObject(JsonBodies.read(request, maxBodyBytes));
        String workspace = text(body, "workspace", true);
        String name = text(body, "name", true);
        ApiKeyService.CreatedKey created = keys.create(workspace, name, role(body), models(body.get("allowed_models")),
                Principal.of(request).keyId());
        ObjectNode json = describe(created.key());
        json.put("secret", created.secret());
        return json;
    }

    @GetMapping
    ObjectNode list(@RequestParam(required = false) String workspace) {
        ObjectNode json = JsonBodies.JSON.createObjectNode();
        json.put("object", "list");
        ArrayNode data = json.putArray("data");
        keys.list(workspace).forEach(k -> data.add(describe(k)));
        return json;
    }

    @DeleteMapping("/{id}")
    ObjectNode revoke(@PathVariable String id, HttpServletRequest request) {
        return describe(keys.revoke(id, Principal.of(request).keyId()));
    }

    @PostMapping("/{id}/revoke")
    ObjectNode revokeByPost(@PathVariable String id, HttpServletRequest request) {
        return revoke(id, request);
    }

    static ObjectNode describe(ApiKey key) {
        ObjectNode json = JsonBodies.JSON.createObjectNode();
        json.put("id", key.id());
        json.put("object", "api_key");
        json.put("prefix", key.displayPrefix());
        json.put("workspace", key.workspace());
        json.put("name", key.name());
        json.put("role", key.role().wireName());
        json.put("admin", key.admin());
        ArrayNode models = json.putArray("allowed_models");
        key.allowedModels().forEach(models::add);
        json.put("created_at", iso(key.createdAt()));
        json.put("revoked_at", iso(key.revokedAt()));
        json.put("last_used_at", iso(key.lastUsedAt()));
        return json;
    }

    /** {@code "role": "annotator" | "user" | "auditor" | "admin"}, or the older {@code "admin": true}. */
    private static Role role(ObjectNode body) {
        JsonNode role = body.get("role");
        JsonNode admin = body.get("admin");
        if (admin != null && !admin.isBoolean()) {
            throw AccessException.invalidField("admin", "'admin' must be a boolean");
        }
        if (role != null) {
            if (!role.isString()) {
                throw AccessException.invalidField("role", "'role' must be one of annotator, user, auditor, admin");
            }
            return Role.parse(role.stringValue());
        }
        return admin != null && admin.booleanValue() ? Role.ADMIN : Role.USER;
    }

    private static String iso(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    private static String text(ObjectNode body, String field, boolean required) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                throw AccessException.invalidField(field, "'" + field + "' is required");
            }
            return null;
        }
        if (!node.isString()) {
            throw AccessException.invalidField(field, "'" + field + "' must be a string");
        }
        return node.stringValue();
    }

    private static List<String> models(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw AccessException.invalidField("allowed_models", "'allowed_models' must be an array of model names");
        }
        List<String> models = new ArrayList<>();
        for (JsonNode model : node.values()) {
            if (!model.isString()) {
                throw AccessException.invalidField("allowed_models", "'allowed_models' must be an array of model names");
            }
            models.add(model.stringValue());
        }
        return models;
    }
}
