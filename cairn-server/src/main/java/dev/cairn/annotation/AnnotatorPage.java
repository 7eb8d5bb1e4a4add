package dev.cairn.annotation;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /annotate}: the page annotators work queues in, a static HTML file with its script and
 * stylesheet, public because it holds no data. The annotator's key is pasted into it and kept in the
 * tab's {@code sessionStorage}; everything it shows comes from {@code /v1/annotation/…} with that key.
 */
@RestController
class AnnotatorPage {

    /**
     * Only this origin's own script and stylesheet, and requests to this origin: a model's answer
     * that smuggled markup into the page could neither run nor send the key anywhere.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static final MediaType JAVASCRIPT = new MediaType("text", "javascript", StandardCharsets.UTF_8);
    private static final MediaType CSS = new MediaType("text", "css", StandardCharsets.UTF_8);

    private final byte[] html = resource("annotate.html");
    private final byte[] script = resource("annotate.js");
    private final byte[] style = resource("annotate.css");

    @GetMapping("/annotate")
    ResponseEntity<byte[]> page() {
        return serve(html, new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8));
    }

    @GetMapping("/annotate/annotate.js")
    ResponseEntity<byte[]> script() {
        return serve(script, JAVASCRIPT);
    }

    @GetMapping("/annotate/annotate.css")
    ResponseEntity<byte[]> style() {
        return serve(style, CSS);
    }

    private static ResponseEntity<byte[]> serve(byte[] body, MediaType type) {
        return ResponseEntity.ok()
                .contentType(type)
                .cacheControl(CacheControl.noCache())
                .header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer")
                .body(body);
    }

    private static byte[] resource(String name) {
        try (InputStream in = AnnotatorPage.class.getResourceAsStream("/annotate/" + name)) {
            if (in == null) {
                throw new IllegalStateException("Missing resource /annotate/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
