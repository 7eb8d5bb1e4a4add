package dev.cairn.ledger;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** Where the copied conformance vectors (see {@code conformance/SOURCE.md}) sit on the test classpath. */
final class Conformance {

    private Conformance() {
    }

    static Path dir(String relative) {
        try {
            return Path.of(Conformance.class.getResource("/conformance").toURI()).resolve(relative);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
