package dev.cairn.platform;

import org.apache.catalina.Lifecycle;
import org.apache.catalina.Pipeline;
import org.apache.catalina.Valve;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.tomcat.util.buf.EncodedSolidusHandling;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.boot.tomcat.TomcatContextCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Tomcat's part of the request path. Lets {@code %2F} through in paths. Model ids contain slashes ({@code cairn/echo}), and the
 * OpenAI SDKs encode them as {@code %2F} in {@code GET /v1/models/{id}}; Tomcat would otherwise
 * refuse such requests before Cairn sees them.
 */
@Configuration(proxyBeanMethods = false)
public class TomcatConfig {

    @Bean
    TomcatConnectorCustomizer encodedSlashesInPaths() {
        return connector -> connector.setEncodedSolidusHandling(EncodedSolidusHandling.DECODE.getValue());
    }

    /**
     * Puts {@link JsonErrorReportValve} in place of the host's HTML error valve. The host adds its
     * valve when it starts, just before it starts this context, so the swap happens then; the
     * host's pipeline starts after its children, and with it the new valve.
     */
    @Bean
    TomcatContextCustomizer jsonErrorPages() {
        return context -> context.addLifecycleListener(event -> {
            if (Lifecycle.BEFORE_START_EVENT.equals(event.getType()) && context.getParent() != null) {
                Pipeline pipeline = context.getParent().getPipeline();
                for (Valve valve : pipeline.getValves()) {
                    if (valve instanceof ErrorReportValve && !(valve instanceof JsonErrorReportValve)) {
                        pipeline.removeValve(valve);
                        pipeline.addValve(new JsonErrorReportValve());
                    }
                }
            }
        });
    }
}
