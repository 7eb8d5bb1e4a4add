package dev.cairn.platform;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Creates directories (0700) and files (0600) that only Cairn's user can open, whatever the
 * process's umask: the mode is asked for when the file is made, so it is never readable by others
 * even for a moment, and set again afterwards, since a umask can only take bits away. On a file
 * system without POSIX permissions the files are made as the system makes them.
 */
public final class OwnerOnlyFiles {

    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    public static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private static final SecureRandom RANDOM = new SecureRandom();

    private OwnerOnlyFiles() {
    }

    /** Creates {@code dir} and any missing parents, each new one 0700; existing ones are left as they are. */
    public static Path createDirectories(Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            return dir;
        }
        List<Path> missing = new ArrayList<>();
        for (Path path = absolute; path != null && !Files.exists(path, LinkOption.NOFOLLOW_LINKS); path = path.getParent()) {
            missing.addFirst(path);
        }
        for (Path path : missing) {
            try {
                if (posix(path.getParent())) {
                    Files.createDirectory(path, PosixFilePermissions.asFileAttribute(DIRECTORY));
                    Files.setPosixFilePermissions(path, DIRECTORY);
                } else {
                    Files.createDirectory(path);
                }
            } catch (FileAlreadyExistsException e) {
                if (!Files.isDirectory(path)) {
                    throw e;
                }
            }
        }
        return dir;
    }

    /** Creates {@code file}, which must not exist, 0600, and its missing parent directories 0700. */
    public static Path createFile(Path file) throws IOException {
        createParents(file);
        if (!posix(file.toAbsolutePath().getParent())) {
            return Files.createFile(file);
        }
        Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE));
        Files.setPosixFilePermissions(file, FILE);
        return file;
    }

    /** Opens {@code file} for writing from its start (created or truncated), 0600 before a byte is written. */
    public static OutputStream newOutputStream(Path file) throws IOException {
        return Channels.newOutputStream(open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE));
    }

    /** Writes {@code data} to {@code file} (created or truncated), 0600. */
    public static void write(Path file, byte[] data) throws IOException {
        try (OutputStream out = newOutputStream(file)) {
            out.write(data);
        }
    }

    /** Writes {@code text} in UTF-8 to {@code file} (created or truncated), 0600. */
    public static void writeString(Path file, String text) throws IOException {
        write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Replaces {@code file} with {@code data} so that a crash leaves either the old file or the new
     * one, never a part: a temporary file beside it, synced, then renamed over it, and the rename
     * synced with its directory.
     */
    public static void replace(Path file, byte[] data) throws IOException {
        createParents(file);
        // A name of its own, so that two processes replacing the same file never write into one temporary file.
        Path tmp = file.resolveSibling(file.getFileName() + "." + Long.toHexString(RANDOM.nextLong()) + ".tmp");
        try {
            try (FileChannel channel = open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(data);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        syncDirectory(file.toAbsolutePath().getParent());
    }

    private static FileChannel open(Path file, StandardOpenOption... options) throws IOException {
        createParents(file);
        Set<StandardOpenOption> set = EnumSet.of(options[0], options);
        if (!posix(file.toAbsolutePath().getParent())) {
            return FileChannel.open(file, set);
        }
        FileAttribute<Set<PosixFilePermission>> ownerOnly = PosixFilePermissions.asFileAttribute(FILE);
        FileChannel channel = FileChannel.open(file, set, ownerOnly);
        try {
            // The attribute applies only when the file is new; an existing file keeps its mode otherwise.
            Files.setPosixFilePermissions(file, FILE);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return channel;
    }

    private static void createParents(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            createDirectories(parent);
        }
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not every system can open a directory to sync it; the rename is then as durable as it gets.
        }
    }

    static boolean posix(Path dir) {
        return dir != null && dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
