package dev.cairn.bench;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.pool.PoolConcurrencyPolicy;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A bare proxy on Cairn's web stack (Spring MVC on virtual threads, Tomcat, pooled Apache
 * HttpClient 5): body in, POST to the upstream, body back, nothing else. Measured beside Cairn, it
 * separates what the stack costs from what Cairn's own work costs.
 *
 * <p>{@code java -cp … dev.cairn.bench.BareProxy PORT UPSTREAM_URL}
 */
@SpringBootApplication
@RestController
public class BareProxy {

    private static String upstream;
    private final CloseableHttpClient client = HttpClients.custom()
            .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                    .setPoolConcurrencyPolicy(PoolConcurrencyPolicy.LAX)
                    .setMaxConnTotal(4096).setMaxConnPerRoute(4096).build())
            .disableContentCompression().disableAutomaticRetries().build();

    public static void main(String[] args) {
        upstream = args[1];
        SpringApplication.run(BareProxy.class, "--server.port=" + args[0], "--spring.threads.virtual.enabled=true",
                "--spring.main.banner-mode=off", "--logging.level.root=WARN");
    }

    @PostMapping("/v1/chat/completions")
    void proxy(HttpServletRequest request, HttpServletResponse response) throws IOException {
        HttpPost post = new HttpPost(upstream);
        post.setEntity(new ByteArrayEntity(request.getInputStream().readAllBytes(), ContentType.APPLICATION_JSON));
        byte[] body = client.execute(post, answer -> EntityUtils.toByteArray(answer.getEntity()));
        response.setContentType("application/json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
