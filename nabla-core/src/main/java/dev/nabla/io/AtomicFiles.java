package dev.nabla.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes a file so that a crash never leaves it half-written: the bytes go to a temporary file in the same
 * directory, are forced to disk, and the temporary file is renamed over the target in one atomic step.
 * <p>
 * Only a regular file (or nothing) is replaced: a symbolic link, directory, FIFO or device at the target is refused,
 * since renaming over it would silently turn it into a regular file. A new file gets the mode any new file gets
 * (0666 less the umask); an existing one keeps its mode. The temporary file is {@code .<name>.<pid>-<n>.nabla-tmp};
 * one left by a writer that was killed is removed by the next write to the same target.
 */
public final class AtomicFiles {
    private static final String SUFFIX = ".nabla-tmp";
    private static final Pattern WRITER = Pattern.compile("(\\d+)-\\d+");
    /** A dead writer's temporary file is kept this long, in case the writer runs on another host sharing the directory. */
    private static final Duration DEAD_WRITER_GRACE = Duration.ofSeconds(10);
    /** Older than this, a temporary file is stale whoever wrote it (its pid may have been reused). */
    private static final Duration ABANDONED = Duration.ofDays(1);
    private static final AtomicLong COUNTER = new AtomicLong(System.nanoTime() & 0xFFFFFF);

    private AtomicFiles() {}

    public static void write(Path target, byte[] bytes) {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            BasicFileAttributes existing = regularOrAbsent(target);
            Files.createDirectories(dir);
            removeStaleTemporaries(target);
            tmp = createTemporary(target);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) ch.write(buf);
                ch.force(true);
            }
            if (existing != null) keepMode(target, tmp);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
            syncDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the write already failed; that error is the one to report
                }
            }
        }
    }

    /** The target's attributes if it is a regular file, null if there is nothing there; anything else is refused. */
    private static BasicFileAttributes regularOrAbsent(Path target) throws IOException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
        if (a.isRegularFile()) return a;
        throw new IllegalArgumentException("cannot write " + target + ": it is " + kind(target, a) + ", not a regular file");
    }

    private static String kind(Path p, BasicFileAttributes a) {
        if (a.isSymbolicLink()) return "a symbolic link";
        if (a.isDirectory()) return "a directory";
        try {
            int type = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000;
            switch (type) {
                case 0010000: return "a FIFO (named pipe)";
                case 0020000: return "a character device";
                case 0060000: return "a block device";
                case 0140000: return "a socket";
                default: break;
            }
        } catch (UnsupportedOperationException | IllegalArgumentException | IOException notUnix) {
            // no finer description on this platform
        }
        return "a special file";
    }

    /** The replacement keeps the permissions of the file it replaces (where the platform has POSIX permissions). */
    private static void keepMode(Path target, Path tmp) throws IOException {
        try {
            Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(target, LinkOption.NOFOLLOW_LINKS));
        } catch (UnsupportedOperationException notPosix) {
            // nothing to keep
        }
    }

    /** The name of the temporary file that process {@code pid} writes {@code target} through. */
    static Path temporaryFor(Path target, long pid, long n) {
        return target.toAbsolutePath().resolveSibling("." + target.getFileName() + "." + pid + "-" + n + SUFFIX);
    }

    /** A new, empty temporary file, created with the default mode (0666 less the umask), as a plain new file gets. */
    private static Path createTemporary(Path target) throws IOException {
        long pid = ProcessHandle.current().pid();
        while (true) {
            Path tmp = temporaryFor(target, pid, COUNTER.incrementAndGet());
            try {
                FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return tmp;
            } catch (FileAlreadyExistsException taken) {
                // left by an earlier process with the same pid: try the next number
            }
        }
    }

    /**
     * Removes temporary files of this target left by writers that died (killed mid-write). A file whose writer is
     * alive, or that changed in the last seconds, is left alone: it may be another write in progress.
     */
    private static void removeStaleTemporaries(Path target) throws IOException {
        String prefix = "." + target.getFileName() + ".";
        Instant now = Instant.now();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(target.toAbsolutePath().getParent(),
                p -> p.getFileName().toString().startsWith(prefix) && p.getFileName().toString().endsWith(SUFFIX))) {
            for (Path p : dir) {
                String name = p.getFileName().toString();
                Matcher m = WRITER.matcher(name.substring(prefix.length(), name.length() - SUFFIX.length()));
                if (!m.matches()) continue;
                try {
                    Instant modified = Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toInstant();
                    boolean writerDead = ProcessHandle.of(Long.parseLong(m.group(1))).map(h -> !h.isAlive()).orElse(true);
                    boolean stale = writerDead ? modified.isBefore(now.minus(DEAD_WRITER_GRACE)) : modified.isBefore(now.minus(ABANDONED));
                    if (stale) Files.deleteIfExists(p);
                } catch (IOException | NumberFormatException goneOrOdd) {
                    // removed meanwhile by another writer, or not one of ours: leave it
                }
            }
        }
    }

    /** Makes the rename itself durable; not every platform allows opening a directory, which is fine. */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // best effort
        }
    }
}
