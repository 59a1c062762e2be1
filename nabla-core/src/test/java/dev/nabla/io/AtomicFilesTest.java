package dev.nabla.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AtomicFilesTest {

    private static final byte[] NEW = "new".getBytes(StandardCharsets.UTF_8);

    @Test
    void aSymbolicLinkIsRefusedAndItsTargetLeftUntouched(@TempDir Path dir) throws Exception {
        Path real = Files.writeString(dir.resolve("real.txt"), "keep");
        Path link = Files.createSymbolicLink(dir.resolve("out.txt"), real);
        assertThatThrownBy(() -> AtomicFiles.write(link, NEW))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cannot write " + link + ": it is a symbolic link, not a regular file");
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readString(real)).isEqualTo("keep");
        assertThat(dir.toFile().list()).containsExactlyInAnyOrder("real.txt", "out.txt");
    }

    @Test
    void aFifoIsRefusedAndStaysAFifo(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("pipe");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertThat(p.waitFor()).isZero();
        assertThatThrownBy(() -> AtomicFiles.write(fifo, NEW))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cannot write " + fifo + ": it is a FIFO (named pipe), not a regular file");
        assertThat(Files.isRegularFile(fifo, LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(Files.getAttribute(fifo, "unix:mode", LinkOption.NOFOLLOW_LINKS)).matches(m -> ((Integer) m & 0170000) == 0010000);
    }

    @Test
    void aDirectoryIsRefused(@TempDir Path dir) throws Exception {
        Path sub = Files.createDirectory(dir.resolve("sub"));
        assertThatThrownBy(() -> AtomicFiles.write(sub, NEW))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cannot write " + sub + ": it is a directory, not a regular file");
        assertThat(Files.isDirectory(sub, LinkOption.NOFOLLOW_LINKS)).isTrue();
    }

    @Test
    void aNewFileGetsTheModeThePlainCreateGivesUnderTheUmask(@TempDir Path dir) throws Exception {
        Path plain = Files.createFile(dir.resolve("plain"));
        Path written = dir.resolve("written");
        AtomicFiles.write(written, NEW);
        assertThat(Files.getPosixFilePermissions(written)).isEqualTo(Files.getPosixFilePermissions(plain));
        assertThat(Files.readAllBytes(written)).isEqualTo(NEW);
    }

    @Test
    void anExistingFileKeepsItsMode(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("f"), "old");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        AtomicFiles.write(file, NEW);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r-----");
        assertThat(Files.readAllBytes(file)).isEqualTo(NEW);
    }

    @Test
    void aTemporaryFileLeftByADeadWriterIsRemovedOnTheNextWrite(@TempDir Path dir) throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        long alive = ProcessHandle.current().pid();
        Path target = dir.resolve("m.nabla");
        Path stale = Files.writeString(AtomicFiles.temporaryFor(target, gone.pid(), 1), "half");
        Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minusSeconds(60)));
        Path fresh = Files.writeString(AtomicFiles.temporaryFor(target, gone.pid(), 2), "just now"); // maybe another host's
        Path live = Files.writeString(AtomicFiles.temporaryFor(target, alive, 3), "being written");
        Files.setLastModifiedTime(live, FileTime.from(Instant.now().minusSeconds(60)));
        Path otherTarget = Files.writeString(AtomicFiles.temporaryFor(dir.resolve("other.nabla"), gone.pid(), 4), "not ours");
        Files.setLastModifiedTime(otherTarget, FileTime.from(Instant.now().minusSeconds(60)));

        AtomicFiles.write(target, NEW);

        assertThat(stale).doesNotExist();
        assertThat(fresh).exists();
        assertThat(live).exists();
        assertThat(otherTarget).exists();
        assertThat(Files.readAllBytes(target)).isEqualTo(NEW);
    }

    @Test
    void theTemporaryNameSaysWhatItIsAndWhoWritesIt() {
        Path t = AtomicFiles.temporaryFor(Path.of("/d/m.nabla"), 4242, 7);
        assertThat(t.toString()).isEqualTo("/d/.m.nabla.4242-7.nabla-tmp");
    }
}
