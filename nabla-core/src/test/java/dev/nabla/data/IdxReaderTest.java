package dev.nabla.data;

import dev.nabla.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** IDX headers are not trusted: sizes are checked against the file, and gzip data against its checksum. */
class IdxReaderTest {

    @TempDir
    Path dir;

    /** An IDX file: the magic number, the dimensions and the payload, as written (no check). */
    static byte[] idx(int magic, int[] dims, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + payload.length);
        b.putInt(magic);
        for (int d : dims) b.putInt(d);
        b.put(payload);
        return b.array();
    }

    private static byte[] gzip(byte[] raw, int level) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(out) {
            {
                def.setLevel(level);
            }
        }) {
            g.write(raw);
        }
        return out.toByteArray();
    }

    private static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i * 7 % 10);
        return b;
    }

    private Path write(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    @Test
    void plainLabelsClaimingABillionItemsAreRefusedWithoutAllocatingThem() throws IOException {
        Path f = write("labels", idx(0x801, new int[] {1_000_000_000}, pattern(200))); // 208 bytes
        assertThatThrownBy(() -> IdxReader.labels(f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(f + ": header says 1000000000 items of 1 bytes but the file ends after 200 bytes of data");
    }

    @Test
    void plainImagesClaimingGigabytesAreRefusedWithoutAllocatingThem() throws IOException {
        Path f = write("images", idx(0x803, new int[] {2_700_000, 28, 28}, pattern(784)));
        assertThatThrownBy(() -> IdxReader.images(f, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(f + ": header says 2700000 items of 28x28 bytes but the file ends after 784 bytes of data");
    }

    @Test
    void gzipLabelsClaimingABillionItemsAreRefusedWithoutAllocatingThem() throws IOException {
        Path f = write("labels.gz", gzip(idx(0x801, new int[] {1_000_000_000}, pattern(200)), Deflater.DEFAULT_COMPRESSION));
        assertThatThrownBy(() -> IdxReader.labels(f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(f + ": header says 1000000000 items of 1 bytes, more than a gzip file of ")
                .hasMessageNotContaining("\n");
    }

    @Test
    void gzipImagesWhoseDataRunsOutAreRefusedWhereItEnds() throws IOException {
        // A claim the gzip file could hold (so it is read, not refused up front) with only 3 images in it.
        byte[] noise = new byte[3 * 784];
        new Random(1).nextBytes(noise);
        Path f = write("images.gz", gzip(idx(0x803, new int[] {2000, 28, 28}, noise)));
        assertThatThrownBy(() -> IdxReader.images(f, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(f + ": header says 2000 items of 28x28 bytes but the file ends after 2352 bytes of data");
    }

    @Test
    void gzipWithAForgedTrailerLengthCannotAskForMoreThanTheHeap() throws IOException {
        byte[] noise = new byte[2_200_000]; // large enough for deflate's ratio to allow the claim
        new Random(2).nextBytes(noise);
        int n = Integer.MAX_VALUE - 8;
        byte[] gz = gzip(idx(0x801, new int[] {n}, noise), Deflater.NO_COMPRESSION);
        ByteBuffer.wrap(gz).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(gz.length - 4, 8 + n); // the length the claim needs
        Path f = write("forged.gz", gz);
        assertThatThrownBy(() -> IdxReader.labels(f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(f + ": header says 2147483639 items of 1 bytes");
    }

    @Test
    void dimensionsWhoseProductOverflowsAreRefused() throws IOException {
        Path big = write("big", idx(0x803, new int[] {65536, 65536, 65536}, new byte[0]));
        assertThatThrownBy(() -> IdxReader.images(big, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(big + ": header says 65536 items of 65536x65536 bytes, more than one tensor holds (2147483639 floats)");
        Path none = write("none", idx(0x803, new int[] {0, 65536, 65536}, new byte[0]));
        assertThatThrownBy(() -> IdxReader.images(none, false))
                .hasMessage(none + ": header says 0 items of 65536x65536 bytes, more than one tensor holds (2147483639 floats)");
        Path negative = write("negative", idx(0x803, new int[] {1, -1, -4}, new byte[4]));
        assertThatThrownBy(() -> IdxReader.images(negative, false)).hasMessage(negative + ": offset 8: negative dimension -1");
    }

    @Test
    void largeGzipFilesStillReadWholeIncludingConcatenatedMembers() throws IOException {
        byte[] pixels = pattern(3000 * 28 * 28);
        byte[] raw = idx(0x803, new int[] {3000, 28, 28}, pixels);
        Path one = write("one.gz", gzip(raw, Deflater.DEFAULT_COMPRESSION));
        Tensor x = IdxReader.images(one, false);
        assertThat(x.shape()).containsExactly(3000, 784);
        assertThat(x.get(2999, 783)).isEqualTo((pixels[pixels.length - 1] & 0xFF) / 255f);
        // Two gzip members: the trailer's size is the second member's only, so the reader cannot trust it up front.
        byte[] first = gzip(Arrays.copyOf(raw, 1000)), second = gzip(Arrays.copyOfRange(raw, 1000, raw.length));
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        Tensor y = IdxReader.images(write("two.gz", both), false);
        assertThat(Arrays.equals(y.data(), x.data())).as("the same pixels from two members").isTrue();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        return gzip(raw, Deflater.DEFAULT_COMPRESSION);
    }

    @Test
    void gzipWithAFlippedByteIsRefusedByItsChecksum() throws IOException {
        byte[] payload = pattern(64);
        byte[] stored = gzip(idx(0x801, new int[] {64}, payload), Deflater.NO_COMPRESSION); // the data sits verbatim
        int at = indexOf(stored, payload) + 30;
        stored[at] ^= 1; // a label changes, the deflate structure does not: only the CRC sees it
        Path f = write("flipped-labels.gz", stored);
        assertThatThrownBy(() -> IdxReader.labels(f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(f + ": corrupt gzip data");
        byte[] packed = gzip(idx(0x801, new int[] {4000}, pattern(4000)));
        packed[packed.length / 2] ^= 0x10;
        Path g = write("flipped-packed.gz", packed);
        assertThatThrownBy(() -> IdxReader.labels(g))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(g + ": ");
    }

    @Test
    void truncatedGzipIsRefusedEvenWhenTheDeclaredItemsAreComplete() throws IOException {
        byte[] gz = gzip(idx(0x801, new int[] {100}, pattern(100)));
        Path noTrailer = write("no-trailer.gz", Arrays.copyOf(gz, gz.length - 4));
        assertThatThrownBy(() -> IdxReader.labels(noTrailer))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(noTrailer + ": truncated gzip data");
        Path half = write("half.gz", Arrays.copyOf(gz, gz.length / 2));
        assertThatThrownBy(() -> IdxReader.labels(half))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(half + ": truncated gzip data");
    }

    @Test
    void dataBeyondTheDeclaredItemsIsRefused() throws IOException {
        Path plain = write("extra-labels", idx(0x801, new int[] {3}, new byte[] {1, 2, 3, 4, 5, 6}));
        assertThatThrownBy(() -> IdxReader.labels(plain))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(plain + ": 3 extra bytes after the 3 items of 1 bytes the header declares");
        Path gz = write("extra-images.gz", gzip(idx(0x803, new int[] {1, 2, 2}, new byte[] {1, 2, 3, 4, 5})));
        assertThatThrownBy(() -> IdxReader.images(gz, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(gz + ": 1 extra bytes after the 1 items of 2x2 bytes the header declares");
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) return i;
        }
        throw new AssertionError("not found");
    }
}
