package dev.cairn.guard;

import java.io.IOException;

import dev.cairn.access.Principal;
import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.PlainIds;
import dev.cairn.platform.PlatformProperties;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Guard policies over HTTP: admins read every workspace's policy and set or drop its admin rules
 * under {@code /admin/guard/policies} (admin keys only, like all of /admin); any key reads its own
 * workspace's policy at {@code GET /v1/guard/policy}.
 */
@RestController
public class GuardPolicyController {

    private static final String ADMIN_PATH = "/admin/guard/policies";
    /** Key creation trims workspace names and allows up to 200 characters; a name no key can have is a mistake. */

    private final GuardPolicies policies;
    private final GuardPolicyAdmin admin;
    private final long maxBodyBytes;

    GuardPolicyController(GuardPolicies policies, GuardPolicyAdmin admin, PlatformProperties platform) {
        this.policies = policies;
        this.admin = admin;
        this.maxBodyBytes = platform.gateway().maxBodySize().toBytes();
    }

    /** The base policy and the policy of every workspace with rules of its own, configured or set here. */
    @GetMapping(path = ADMIN_PATH, produces = MediaType.APPLICATION_JSON_VALUE)
    ObjectNode list() {
        ObjectNode json = JsonBodies.JSON.createObjectNode();
        json.put("object", "list");
        json.set("base", PolicyJson.describe(policies.describeBase(), true));
        ArrayNode data = json.putArray("data");
        policies.workspacesWithRules().forEach(workspace -> data.add(PolicyJson.describe(policies.describe(workspace), true)));
        return json;
    }

    @GetMapping(path = ADMIN_PATH + "/{workspace}", produces = MediaType.APPLICATION_JSON_VALUE)
    ObjectNode get(@PathVariable String workspace) {
        return PolicyJson.describe(policies.describe(PlainIds.workspace(workspace, "workspace")), true);
    }

    /** Replaces the workspace's admin rules with the body's; scanners it leaves out follow the configuration. */
    @PutMapping(path = ADMIN_PATH + "/{workspace}", produces = MediaType.APPLICATION_JSON_VALUE)
    ObjectNode put(@PathVariable String workspace, HttpServletRequest request) throws IOException {
        String checked = PlainIds.workspace(workspace, "workspace");
        ObjectNode body = JsonBodies.parseObject(JsonBodies.read(request, maxBodyBytes));
        EffectivePolicy policy = admin.replace(checked, PolicyJson.parseRules(body), Principal.of(request).keyId());
        return PolicyJson.describe(policy, true);
    }

    /** Drops the workspace's admin rules; answers with the policy that applies from now on. */
    @DeleteMapping(path = ADMIN_PATH + "/{workspace}", produces = MediaType.APPLICATION_JSON_VALUE)
    ObjectNode delete(@PathVariable String workspace, HttpServletRequest request) {
        return PolicyJson.describe(admin.remove(PlainIds.workspace(workspace, "workspace"), Principal.of(request).keyId()), true);
    }

    /** The caller's own workspace's policy, so an application can see what the guard will do with its prompts. */
    @GetMapping(path = "/v1/guard/policy", produces = MediaType.APPLICATION_JSON_VALUE)
    ObjectNode own(HttpServletRequest request) {
        return PolicyJson.describe(policies.describe(Principal.of(request).workspace()), false);
    }
}
