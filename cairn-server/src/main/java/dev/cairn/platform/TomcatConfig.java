package dev.cairn.platform;

import org.apache.tomcat.util.buf.EncodedSolidusHandling;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Lets {@code %2F} through in paths. Model ids contain slashes ({@code cairn/echo}), and the
 * OpenAI SDKs encode them as {@code %2F} in {@code GET /v1/models/{id}}; Tomcat would otherwise
 * refuse such requests before Cairn sees them.
 */
@Configuration(proxyBeanMethods = false)
public class TomcatConfig {

    @Bean
    TomcatConnectorCustomizer encodedSlashesInPaths() {
        return connector -> connector.setEncodedSolidusHandling(EncodedSolidusHandling.DECODE.getValue());
    }
}
