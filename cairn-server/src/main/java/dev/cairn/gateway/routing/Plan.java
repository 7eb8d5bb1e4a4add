package dev.cairn.gateway.routing;

import java.util.List;

import dev.cairn.access.Principal;

/**
 * Where a request may go: its group, the fallbacks it named itself (OpenAI-style {@code models} or
 * {@code Cairn-Fallbacks}; null when it named none, and then the group's own apply), the key whose
 * allow-list limits the fallbacks, and the route table it was planned on.
 */
public record Plan(Group primary, List<Group> requestFallbacks, Principal principal, RouteTable table) {
}
