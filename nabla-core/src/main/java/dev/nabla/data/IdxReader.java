package dev.nabla.data;

import dev.nabla.tensor.Tensor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads IDX files (the MNIST / Fashion-MNIST format), gzipped or raw (detected from the first bytes): unsigned-byte
 * images (magic 0x00000803) become floats in [0, 1]; labels (0x00000801) become class indices.
 *
 * <pre>{@code
 * Dataset[] trainTest = IdxReader.fashionMnist(IdxReader.FASHION_MNIST_DIR, true);   // images [n, 1, 28, 28]
 * }</pre>
 */
public final class IdxReader {

    /** Where Debian's dataset-fashion-mnist package installs the files. */
    public static final Path FASHION_MNIST_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    public static final List<String> FASHION_MNIST_CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** Each byte's float: pixels scaled to [0, 1], labels as they are. */
    private static final float[] PIXELS = new float[256], LABELS = new float[256];

    static {
        for (int b = 0; b < 256; b++) {
            PIXELS[b] = b / 255f;
            LABELS[b] = b;
        }
    }

    private IdxReader() {}

    /**
     * {train, test} from {@code dir}'s {@code train-images-idx3-ubyte(.gz)}, {@code train-labels-idx1-ubyte(.gz)},
     * {@code t10k-...}; images as [n, 1, rows, cols] when {@code asImages}, else flat [n, rows * cols].
     */
    public static Dataset[] fashionMnist(Path dir, boolean asImages) {
        return new Dataset[] {pair(dir, "train", asImages), pair(dir, "t10k", asImages)};
    }

    private static Dataset pair(Path dir, String prefix, boolean asImages) {
        Tensor images = images(find(dir, prefix + "-images-idx3-ubyte"), asImages);
        Tensor labels = labels(find(dir, prefix + "-labels-idx1-ubyte"));
        if (images.dim(0) != labels.dim(0)) {
            throw new IllegalArgumentException(dir + ": " + prefix + " has " + images.dim(0) + " images but " + labels.dim(0) + " labels");
        }
        return new Dataset(images, labels, FASHION_MNIST_CLASSES);
    }

    private static Path find(Path dir, String base) {
        for (String name : new String[] {base + ".gz", base}) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) return p;
        }
        throw new IllegalArgumentException(dir + ": no " + base + "(.gz); install Fashion-MNIST (apt-get install dataset-fashion-mnist)"
                + " or point to a directory holding the IDX files");
    }

    /** Images of an idx3 file, scaled to [0, 1]. */
    public static Tensor images(Path file, boolean asImages) {
        try (Source in = Source.open(file)) {
            int n = in.header(0x803, 3);
            int rows = in.dimension(), cols = in.dimension();
            float[] x = in.items(n, (long) rows * cols, rows + "x" + cols, PIXELS);
            return asImages ? Tensor.of(x, n, 1, rows, cols) : Tensor.of(x, n, rows * cols);
        }
    }

    /** Labels of an idx1 file as class indices [n]. */
    public static Tensor labels(Path file) {
        try (Source in = Source.open(file)) {
            int n = in.header(0x801, 1);
            return Tensor.of(in.items(n, 1, "1", LABELS), n);
        }
    }

    /**
     * An IDX file read as a stream (decompressed on the fly when gzipped), so that only the resulting floats are
     * held in memory: reading the whole file first held compressed, decompressed and float copies at once (a third
     * of the W4 benchmark's peak memory). The header is not trusted: the sizes it declares are checked against
     * what the file can hold before the floats are allocated, and the file must end right after the declared items
     * (for gzip, reading to the end also checks the CRC and length in its trailer). Errors name the file.
     */
    private static final class Source implements AutoCloseable {
        /** The most floats one tensor holds (Java's largest array). */
        static final long MAX_FLOATS = Integer.MAX_VALUE - 8;
        /** Deflate's best ratio: at most 1032 bytes come out of one compressed byte. */
        static final long MAX_DEFLATE_RATIO = 1032;
        /** Floats allocated first when the declared size cannot be confirmed up front; doubled as data arrives. */
        static final int FIRST_FLOATS = 1 << 20;

        private final Path file;
        private final InputStream in;
        private final boolean gzip;
        private final long fileSize;
        private final byte[] buffer = new byte[1 << 16];
        private long offset;

        private Source(Path file, InputStream in, boolean gzip, long fileSize) {
            this.file = file;
            this.in = in;
            this.gzip = gzip;
            this.fileSize = fileSize;
        }

        static Source open(Path file) {
            try {
                long size = Files.size(file);
                InputStream raw = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16);
                raw.mark(2);
                boolean gzip = raw.read() == 0x1F && raw.read() == 0x8B;
                raw.reset();
                return new Source(file, gzip ? new GZIPInputStream(raw, 1 << 16) : raw, gzip, size);
            } catch (NoSuchFileException e) {
                throw new IllegalArgumentException(file + ": no such file");
            } catch (IOException e) {
                throw new UncheckedIOException(file + ": cannot read", e);
            }
        }

        /** Checks the magic number and reads the item count (the first of {@code dims} dimension sizes). */
        int header(int magic, int dims) {
            int m = readInt();
            if (m != magic) {
                throw new IllegalArgumentException(file + ": offset 0: expected IDX magic 0x" + Integer.toHexString(magic) + ", found 0x" + Integer.toHexString(m));
            }
            int n = readInt();
            if (n < 0) throw new IllegalArgumentException(file + ": offset 4: negative item count " + n);
            return n;
        }

        /** The next dimension size of the header. */
        int dimension() {
            long at = offset;
            int d = readInt();
            if (d < 0) throw new IllegalArgumentException(file + ": offset " + at + ": negative dimension " + d);
            return d;
        }

        int readInt() {
            long need = offset + 4;
            if (fill(4) < 4) throw new IllegalArgumentException(file + ": truncated at offset " + offset + ": expected " + need + " bytes");
            return ((buffer[0] & 0xFF) << 24) | ((buffer[1] & 0xFF) << 16) | ((buffer[2] & 0xFF) << 8) | (buffer[3] & 0xFF);
        }

        /**
         * The {@code n} items of {@code itemBytes} bytes (described as {@code item}) that follow the header, each
         * byte mapped through {@code value}; then checks that the file ends there.
         */
        float[] items(int n, long itemBytes, String item, float[] value) {
            String declared = file + ": header says " + n + " items of " + item + " bytes";
            if (itemBytes > MAX_FLOATS || n > MAX_FLOATS / Math.max(1, itemBytes)) {
                throw new IllegalArgumentException(declared + ", more than one tensor holds (" + MAX_FLOATS + " floats)");
            }
            int bytes = (int) (n * itemBytes);
            int first = allocateFirst(bytes, declared);
            long heap = Runtime.getRuntime().maxMemory();
            if (4L * bytes > heap) {
                throw new IllegalArgumentException(declared + ": " + (4L * bytes >> 20) + " MB as floats, more than the " + (heap >> 20)
                        + " MB this JVM may use (-Xmx)");
            }
            float[] x = new float[first];
            int done = 0;
            while (done < bytes) {
                if (done == x.length) x = java.util.Arrays.copyOf(x, (int) Math.min(bytes, 2L * x.length));
                int got = fill(Math.min(buffer.length, x.length - done));
                if (got == 0) throw new IllegalArgumentException(declared + " but the file ends after " + done + " bytes of data");
                for (int i = 0; i < got; i++) x[done + i] = value[buffer[i] & 0xFF];
                done += got;
            }
            long extra = readToEnd();
            if (extra > 0) throw new IllegalArgumentException(file + ": " + extra + " extra bytes after the " + n + " items of " + item + " bytes the header declares");
            return x;
        }

        /**
         * How many of the declared {@code bytes} floats to allocate before reading: all of them when the file is
         * known to hold that much (a plain file's size, a gzip trailer's length), else a first chunk, so that a
         * header claiming gigabytes costs no more memory than the data really there.
         */
        private int allocateFirst(int bytes, String declared) {
            if (!gzip) {
                long have = fileSize - offset;
                if (bytes > have) throw new IllegalArgumentException(declared + " but the file ends after " + have + " bytes of data");
                return bytes;
            }
            if (bytes > MAX_DEFLATE_RATIO * fileSize) {
                throw new IllegalArgumentException(declared + ", more than a gzip file of " + fileSize + " bytes can hold");
            }
            return trailerLength() == ((offset + bytes) & 0xFFFFFFFFL) ? bytes : Math.min(bytes, FIRST_FLOATS);
        }

        /** The uncompressed length (mod 2^32) in the gzip trailer: the last member's, a hint only. */
        private long trailerLength() {
            try (java.nio.channels.SeekableByteChannel ch = Files.newByteChannel(file)) {
                java.nio.ByteBuffer last = java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                ch.position(Math.max(0, fileSize - 4));
                while (last.hasRemaining() && ch.read(last) > 0) { }
                return last.hasRemaining() ? -1 : Integer.toUnsignedLong(last.getInt(0));
            } catch (IOException e) {
                throw new UncheckedIOException(file + ": cannot read", e);
            }
        }

        /** Reads to the end of the input (so gzip checks its trailer), returning how many bytes were left. */
        private long readToEnd() {
            long extra = 0;
            for (int got; (got = fill(buffer.length)) > 0; ) extra += got;
            return extra;
        }

        /** Reads up to {@code max} bytes into the buffer, fewer only at the end of the input. */
        private int fill(int max) {
            try {
                int got = in.readNBytes(buffer, 0, max);
                offset += got;
                return got;
            } catch (java.io.EOFException e) {
                throw new IllegalArgumentException(file + ": truncated gzip data after " + offset + " bytes");
            } catch (java.util.zip.ZipException e) {
                throw new IllegalArgumentException(file + ": corrupt gzip data after " + offset + " bytes (" + e.getMessage() + ")");
            } catch (IOException e) {
                throw new UncheckedIOException(file + ": cannot read", e);
            }
        }

        @Override
        public void close() {
            try {
                in.close();
            } catch (IOException e) {
                throw new UncheckedIOException(file + ": cannot close", e);
            }
        }
    }
}
