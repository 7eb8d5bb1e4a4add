package dev.cairn.gateway.routing;

import java.io.IOException;
import java.util.regex.Pattern;

import dev.cairn.access.Principal;
import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.PlatformProperties;
import dev.cairn.platform.RequestException;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Model groups over HTTP, under {@code /admin/models} (admin keys only, like all of /admin): every
 * group in force, configured or set here, and setting or deleting the ones set here, in force in
 * every process on the same database within seconds.
 */
@RestController
@RequestMapping(path = "/admin/models", produces = MediaType.APPLICATION_JSON_VALUE)
class ModelGroupController {

    /**
     * Names an admin may give a group: clients send them as {@code model}, and they become metric
     * labels and header values, so nothing that could hide a control or look-alike character.
     */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");

    private final ModelGroupAdmin admin;
    private final long maxBodyBytes;

    ModelGroupController(ModelGroupAdmin admin, PlatformProperties platform) {
        this.admin = admin;
        this.maxBodyBytes = platform.gateway().maxBodySize().toBytes();
    }

    @GetMapping
    ObjectNode list() {
        ObjectNode json = JsonBodies.JSON.createObjectNode();
        json.put("object", "list");
        ArrayNode data = json.putArray("data");
        admin.list().forEach(group -> data.add(GroupJson.describe(group)));
        return json;
    }

    @GetMapping("/{name}")
    ObjectNode get(@PathVariable String name) {
        return GroupJson.describe(admin.find(name).orElseThrow(() -> ModelGroupAdmin.notFound(name)));
    }

    /** Sets the group from the body, in place of any group of that name; answers with the group as now in force. */
    @PutMapping("/{name}")
    ObjectNode put(@PathVariable String name, HttpServletRequest request) throws IOException {
        if (!NAME.matcher(name).matches()) {
            throw RequestException.invalid("invalid_model_group_name", "name",
                    "A model group's name is 1 to 128 letters, digits, '_', '-', '.' or ':'");
        }
        ObjectNode body = JsonBodies.parseObject(JsonBodies.read(request, maxBodyBytes));
        return GroupJson.describe(admin.set(name, GroupJson.parse(name, body), Principal.of(request).keyId()));
    }

    /** Deletes a group set here; the configured group of that name, if any, applies again and is the answer's {@code in_force}. */
    @DeleteMapping("/{name}")
    ObjectNode delete(@PathVariable String name, HttpServletRequest request) {
        ObjectNode json = JsonBodies.JSON.createObjectNode();
        json.put("object", "model.group.deleted");
        json.put("name", name);
        json.put("deleted", true);
        json.set("in_force", admin.remove(name, Principal.of(request).keyId()).map(GroupJson::describe).orElse(null));
        return json;
    }
}
