package dev.cairn.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The client's address: the socket's peer, and X-Forwarded-For only through trusted proxies. */
class ClientAddressTest {

    private static String resolve(ClientAddress addresses, String peer, String... forwarded) {
        return addresses.resolve(peer, List.of(forwarded).iterator());
    }

    @Test
    void withoutTrustedProxiesTheHeaderIsIgnored() {
        ClientAddress addresses = new ClientAddress(List.of());
        assertThat(resolve(addresses, "203.0.113.9", "198.51.100.1")).isEqualTo("203.0.113.9");
        assertThat(addresses.resolve("203.0.113.9", Collections.emptyIterator())).isEqualTo("203.0.113.9");
    }

    @Test
    void throughTrustedProxiesTheRightmostUntrustedHopIsTheClient() {
        ClientAddress addresses = new ClientAddress(List.of("10.0.0.0/8", "::1"));
        assertThat(resolve(addresses, "10.1.2.3", "198.51.100.7")).isEqualTo("198.51.100.7");
        assertThat(resolve(addresses, "10.1.2.3", "6.6.6.6, 198.51.100.7, 10.9.9.9"))
                .as("a client cannot push itself in front by sending its own header").isEqualTo("198.51.100.7");
        assertThat(resolve(addresses, "10.1.2.3", "6.6.6.6", "198.51.100.7")).as("several header lines")
                .isEqualTo("198.51.100.7");
        assertThat(resolve(addresses, "0:0:0:0:0:0:0:1", "2001:db8::5")).isEqualTo("2001:db8:0:0:0:0:0:5");
        assertThat(resolve(addresses, "10.1.2.3", "10.4.4.4", "10.5.5.5")).as("all trusted: the farthest").isEqualTo("10.4.4.4");
        assertThat(resolve(addresses, "10.1.2.3", "garbage, 198.51.100.7")).isEqualTo("198.51.100.7");
        assertThat(resolve(addresses, "10.1.2.3", "198.51.100.7, not-an-address")).as("the walk stops at garbage")
                .isEqualTo("10.1.2.3");
        assertThat(resolve(addresses, "10.1.2.3", "999.1.1.1")).isEqualTo("10.1.2.3");
        assertThat(resolve(addresses, "192.0.2.1", "198.51.100.7")).as("an untrusted peer's header is ignored")
                .isEqualTo("192.0.2.1");
    }

    @Test
    void rangesMatchByPrefix() {
        ClientAddress.Range range = ClientAddress.Range.parse("192.168.4.0/22", "test");
        assertThat(range.contains(ClientAddress.literal("192.168.7.255"))).isTrue();
        assertThat(range.contains(ClientAddress.literal("192.168.8.0"))).isFalse();
        assertThat(range.contains(ClientAddress.literal("::1"))).isFalse();
        assertThat(ClientAddress.Range.parse("0.0.0.0/0", "test").contains(ClientAddress.literal("8.8.8.8"))).isTrue();
    }
}
