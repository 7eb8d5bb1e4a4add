package dev.cairn.limits;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Pattern;

import dev.cairn.platform.InvalidConfigurationException;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The address a request came from, for per-address limits: the socket's peer, unless that peer is
 * one of {@code cairn.limits.trusted-proxies}. Then {@code X-Forwarded-For} is read from the right,
 * skipping the trusted proxies, and the first other address is the client's. Without trusted
 * proxies the header is ignored, since any client can send it.
 */
@Component
class ClientAddress {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private final List<Range> trusted;

    @Autowired
    ClientAddress(LimitsProperties limits) {
        this(limits.trustedProxies());
    }

    ClientAddress(List<String> trustedProxies) {
        List<Range> ranges = new ArrayList<>();
        for (int i = 0; i < trustedProxies.size(); i++) {
            ranges.add(Range.parse(trustedProxies.get(i), "cairn.limits.trusted-proxies[" + i + "]"));
        }
        this.trusted = List.copyOf(ranges);
    }

    String of(ClientPeer peer) {
        return resolve(peer.remoteAddress(), peer.forwardedFor().iterator());
    }

    String resolve(String peer, Iterator<String> forwardedHeaders) {
        InetAddress address = literal(peer);
        if (address == null) {
            return peer;
        }
        if (trusted.isEmpty() || !isTrusted(address)) {
            return address.getHostAddress();
        }
        List<String> hops = new ArrayList<>();
        forwardedHeaders.forEachRemaining(header -> {
            for (String hop : header.split(",")) {
                hops.add(hop.trim());
            }
        });
        for (int i = hops.size() - 1; i >= 0; i--) {
            InetAddress hop = literal(hops.get(i));
            if (hop == null) {
                break; // not an address: whatever lies left of it cannot be trusted either
            }
            address = hop;
            if (!isTrusted(hop)) {
                break;
            }
        }
        return address.getHostAddress();
    }

    private boolean isTrusted(InetAddress address) {
        for (Range range : trusted) {
            if (range.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** An IP literal as an address, or null; never a DNS lookup. */
    static InetAddress literal(String text) {
        if (text == null) {
            return null;
        }
        String candidate = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        if (IPV4.matcher(candidate).matches()) {
            for (String octet : candidate.split("\\.")) {
                if (Integer.parseInt(octet) > 255) {
                    return null; // else InetAddress would take it for a host name and ask DNS
                }
            }
        } else if (!IPV6.matcher(candidate).matches()) {
            return null;
        }
        try {
            return InetAddress.getByName(candidate);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** An address or a CIDR range, {@code 10.0.0.0/8}, {@code ::1}. */
    record Range(byte[] network, int prefixBits) {

        static Range parse(String text, String where) {
            String value = text == null ? "" : text.trim();
            int slash = value.indexOf('/');
            InetAddress address = literal(slash < 0 ? value : value.substring(0, slash));
            if (address == null) {
                throw new InvalidConfigurationException(where + ": '" + text + "' is not an IP address or CIDR range");
            }
            int bits = address.getAddress().length * 8;
            int prefix = bits;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(value.substring(slash + 1));
                } catch (NumberFormatException e) {
                    prefix = -1;
                }
                if (prefix < 0 || prefix > bits) {
                    throw new InvalidConfigurationException(where + ": '" + text + "' has a prefix length outside 0–" + bits);
                }
            }
            return new Range(address.getAddress(), prefix);
        }

        boolean contains(InetAddress address) {
            byte[] bytes = address.getAddress();
            if (bytes.length != network.length) {
                return false;
            }
            int full = prefixBits / 8;
            for (int i = 0; i < full; i++) {
                if (bytes[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefixBits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = 0xFF << (8 - rest) & 0xFF;
            return (bytes[full] & mask) == (network[full] & mask);
        }
    }
}
