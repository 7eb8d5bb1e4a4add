package dev.cairn.guard.learned;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Reads a model file that ships on the class path; a missing or unreadable one is a broken build. */
final class ShippedResource {

    /** Parses a model from its stream. */
    interface Reader<T> {
        T read(InputStream in) throws IOException;
    }

    private ShippedResource() {
    }

    static <T> T read(String resource, Reader<T> reader) {
        try (InputStream in = ShippedResource.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the class path");
            }
            return reader.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
