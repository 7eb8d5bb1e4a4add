package dev.cairn.ledger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a log's resources by their tlog-tiles path: {@code checkpoint}, {@code tile/…}. */
@FunctionalInterface
public interface LogReader {

    /**
     * The bytes at {@code path}. A resource the log does not have is a
     * {@link java.io.FileNotFoundException} or {@link java.nio.file.NoSuchFileException} naming it.
     */
    byte[] read(String path) throws IOException;

    /** A log laid out in a directory, as an export bundle or a static tlog mirror. */
    static LogReader directory(Path root) {
        Path base = root.toAbsolutePath().normalize();
        return path -> {
            Path file = base.resolve(path).normalize();
            if (!file.startsWith(base)) {
                throw new IOException("path leaves the log directory: " + path);
            }
            return Files.readAllBytes(file);
        };
    }
}
