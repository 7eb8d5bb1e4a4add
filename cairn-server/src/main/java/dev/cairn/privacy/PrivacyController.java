package dev.cairn.privacy;

import java.io.IOException;
import java.util.Set;

import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.PlatformProperties;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /v1/privacy/epsilon}: the (ε, δ) spent by one run of the sampled Gaussian mechanism,
 * for any workspace's key. It keeps nothing: the answer depends only on the body.
 */
@RestController
@RequestMapping(path = "/v1/privacy", produces = MediaType.APPLICATION_JSON_VALUE)
class PrivacyController {

    private static final Set<String> FIELDS = Set.of("noise_multiplier", "sample_rate", "steps", "delta");

    private final long maxBodyBytes;

    PrivacyController(PlatformProperties platform) {
        this.maxBodyBytes = platform.gateway().maxBodySize().toBytes();
    }

    @PostMapping("/epsilon")
    ObjectNode epsilon(HttpServletRequest http) throws IOException {
        NumberFields body = NumberFields.of(JsonBodies.parseObject(JsonBodies.read(http, maxBodyBytes)), "", FIELDS);
        GaussianRun run = new GaussianRun(body.number("noise_multiplier"), body.number("sample_rate"), body.integer("steps"));
        PrivacySpent spent = PrivacyLedger.of(run).spent(body.number("delta"));
        ObjectNode json = JsonBodies.JSON.createObjectNode();
        json.put("object", "privacy.epsilon");
        // JSON has no infinity or NaN: null says there is no finite bound, or (for order) that nothing ran.
        putFinite(json, "epsilon", spent.epsilon());
        putFinite(json, "order", spent.order());
        json.put("delta", spent.delta());
        return json;
    }

    private static void putFinite(ObjectNode json, String field, double value) {
        if (Double.isFinite(value)) {
            json.put(field, value);
        } else {
            json.putNull(field);
        }
    }
}
