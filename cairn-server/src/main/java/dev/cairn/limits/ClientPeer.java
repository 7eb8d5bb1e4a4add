package dev.cairn.limits;

import java.util.Collections;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Where a request came from as the connection shows it: the peer's address and the
 * {@code X-Forwarded-For} headers, which {@link ClientAddress} trusts only from configured proxies.
 * Read at the edge; resolved to an address only when an address limit needs it.
 */
public record ClientPeer(String remoteAddress, List<String> forwardedFor) {

    private static final String FORWARDED_FOR = "X-Forwarded-For";

    public ClientPeer {
        forwardedFor = List.copyOf(forwardedFor);
    }

    /** The peer of a servlet request, for the edge (controllers, filters) that has one. */
    public static ClientPeer of(HttpServletRequest request) {
        // Most requests have no such header: one lookup, and no list, for them.
        return new ClientPeer(request.getRemoteAddr(), request.getHeader(FORWARDED_FOR) == null ? List.of()
                : Collections.list(request.getHeaders(FORWARDED_FOR)));
    }
}
