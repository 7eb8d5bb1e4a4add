package dev.cairn.platform;

import java.util.Map;

/**
 * An administrative change (a key created or revoked, the configuration changed), published as a
 * Spring event by the feature that made it. The audit feature records every one; listeners run on
 * the publisher's thread, so the change's answer waits for its record.
 *
 * @param type e.g. {@code admin.key.created}
 * @param workspace the workspace the change concerns, or null
 * @param actorKeyId the key that made the change, or null when made from the command line or at start
 * @param details what changed; never a secret
 */
public record AdminAction(String type, String workspace, String actorKeyId, Map<String, Object> details) {
}
