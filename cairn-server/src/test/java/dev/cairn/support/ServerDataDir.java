package dev.cairn.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

import org.springframework.boot.SpringApplication;

/**
 * A temp data dir for a test server, deleted with everything in it (the database, the master and
 * signing keys) when the test JVM ends. A server's context lives in Spring's test context cache
 * until then and may write to its data dir while it closes, so the dir cannot go in an
 * {@code @AfterAll}; Spring Boot's shutdown handlers run after it has closed every context.
 */
public final class ServerDataDir {

    private ServerDataDir() {
    }

    public static Path create(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix);
            SpringApplication.getShutdownHandlers().add(() -> delete(dir));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path directory, IOException e) throws IOException {
                    Files.deleteIfExists(directory);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // The JVM is ending: say what was left rather than fail a shutdown hook silently.
            System.err.println("could not delete the test data dir " + dir + ": " + e);
        }
    }
}
