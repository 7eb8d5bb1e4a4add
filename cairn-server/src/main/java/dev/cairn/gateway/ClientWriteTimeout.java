package dev.cairn.gateway;

import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Bounds how long a client may leave Cairn waiting on its socket ({@code cairn.gateway.client-write-timeout}).
 * Tomcat times its blocking writes, and its reads of a request, by the connector's
 * {@code connectionTimeout}: a write that cannot go on for that long (a client that asked for a
 * stream and never reads it, once the socket's buffers are full) fails, the stream ends as a client
 * that left, and its request gives back its thread, its memory and its key's slot. The stream waits
 * in the meantime: a virtual thread parked on the socket holds no carrier.
 */
@Configuration(proxyBeanMethods = false)
class ClientWriteTimeout {

    @Bean
    TomcatConnectorCustomizer clientWriteTimeoutOnConnector(GatewayProperties properties) {
        int millis = (int) Math.min(Integer.MAX_VALUE, properties.gateway().clientWriteTimeout().toMillis());
        return connector -> connector.setProperty("connectionTimeout", Integer.toString(millis));
    }
}
