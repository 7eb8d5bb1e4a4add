package dev.cairn.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data dir ({@code cairn.data-dir}) kept to its owner: created 0700, and at each start every
 * directory and file already under it stripped of what group and others may do, so an install made
 * under a looser umask (0755 directories, a 0644 database) is closed the first time this version
 * starts. What Cairn writes there afterwards it creates owner-only ({@link OwnerOnlyFiles}).
 */
public final class DataDirectory {

    private static final Logger log = LoggerFactory.getLogger(DataDirectory.class);
    private static final Set<PosixFilePermission> GROUP_AND_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private DataDirectory() {
    }

    /** Creates {@code dir} 0700 when it is missing and tightens what is already in it. */
    public static void secure(Path dir) {
        try {
            OwnerOnlyFiles.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the data dir " + dir, e);
        }
        tighten(dir);
    }

    /** Tightens {@code dir} when it exists; one that does not is left uncreated. */
    public static void secureIfPresent(Path dir) {
        if (Files.isDirectory(dir)) {
            tighten(dir);
        }
    }

    /**
     * Creates the SQLite database file empty and 0600 before SQLite opens it: SQLite makes a new
     * database 0644 less the umask, and gives its -wal, -shm and -journal files the database
     * file's own mode, so this one mode carries over to all of them.
     */
    public static void createDatabaseFile(Path file) {
        try {
            OwnerOnlyFiles.createFile(file);
        } catch (FileAlreadyExistsException e) {
            // An existing database: tighten() has seen to its mode.
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the database file " + file, e);
        }
    }

    /** The database file: {@code <data-dir>/cairn.db} when no URL is given, the file a plain SQLite URL names. */
    public static Optional<Path> databaseFile(Path dataDir, String url) {
        return url == null || url.isBlank() ? Optional.of(dataDir.resolve("cairn.db")) : sqliteFile(url);
    }

    /** The file a plain {@code jdbc:sqlite:PATH} URL names; none for other databases, in-memory and {@code file:} URIs. */
    static Optional<Path> sqliteFile(String url) {
        if (!url.startsWith("jdbc:sqlite:")) {
            return Optional.empty();
        }
        String path = url.substring("jdbc:sqlite:".length());
        if (path.isBlank() || path.startsWith(":") || path.startsWith("file:") || path.contains("?")) {
            return Optional.empty();
        }
        return Optional.of(Path.of(path));
    }

    /** Whether these permissions let anyone but the owner read, change or enter what has them. */
    public static boolean openToOthers(Set<PosixFilePermission> permissions) {
        return permissions.stream().anyMatch(GROUP_AND_OTHERS::contains);
    }

    /** The permissions as an octal mode, e.g. {@code 0600}. */
    public static String mode(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (PosixFilePermission permission : permissions) {
            mode |= 1 << (8 - permission.ordinal());
        }
        return String.format("%04o", mode);
    }

    private static void tighten(Path dir) {
        if (!OwnerOnlyFiles.posix(dir)) {
            return;
        }
        int[] tightened = {0};
        try {
            // Links are not followed: what they point at is not the data dir's to change.
            Files.walkFileTree(dir.toRealPath(), new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes) throws IOException {
                    tightened[0] += tightenOne(directory);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    if (attributes.isRegularFile()) {
                        tightened[0] += tightenOne(file);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    // A file removed while the tree is walked (a -wal at close, an export's .part) has nothing left to tighten.
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot restrict the data dir " + dir + " to its owner", e);
        }
        if (tightened[0] > 0) {
            log.warn("The data dir {} held {} directories and files that group or others could open; "
                    + "they are now its owner's only (directories 0700, files 0600)", dir, tightened[0]);
        }
    }

    private static int tightenOne(Path path) throws IOException {
        Set<PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(path);
        } catch (java.nio.file.NoSuchFileException e) {
            return 0;
        }
        if (!openToOthers(permissions)) {
            return 0;
        }
        permissions.removeAll(GROUP_AND_OTHERS);
        Files.setPosixFilePermissions(path, permissions);
        return 1;
    }
}
