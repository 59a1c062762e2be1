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
            int rows = in.readInt(), cols = in.readInt();
            long size = (long) n * rows * cols;
            if (size > Integer.MAX_VALUE - 8) throw new IllegalArgumentException(file + ": " + n + " images of " + rows + "x" + cols + " do not fit one tensor");
            float[] x = new float[(int) size];
            in.read(x.length, (chunk, at, count) -> {
                for (int i = 0; i < count; i++) x[at + i] = (chunk[i] & 0xFF) / 255f;
            });
            return asImages ? Tensor.of(x, n, 1, rows, cols) : Tensor.of(x, n, rows * cols);
        }
    }

    /** Labels of an idx1 file as class indices [n]. */
    public static Tensor labels(Path file) {
        try (Source in = Source.open(file)) {
            int n = in.header(0x801, 1);
            float[] y = new float[n];
            in.read(n, (chunk, at, count) -> {
                for (int i = 0; i < count; i++) y[at + i] = chunk[i] & 0xFF;
            });
            return Tensor.of(y, n);
        }
    }

    /**
     * An IDX file read as a stream (decompressed on the fly when gzipped), so that only the resulting floats are
     * held in memory: reading the whole file first held compressed, decompressed and float copies at once (a third
     * of the W4 benchmark's peak memory). Errors name the file and the byte offset.
     */
    private static final class Source implements AutoCloseable {
        interface Chunk {
            void take(byte[] chunk, int at, int count);
        }

        private final Path file;
        private final InputStream in;
        private final byte[] buffer = new byte[1 << 16];
        private long offset;

        private Source(Path file, InputStream in) {
            this.file = file;
            this.in = in;
        }

        static Source open(Path file) {
            try {
                InputStream raw = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16);
                raw.mark(2);
                boolean gzip = raw.read() == 0x1F && raw.read() == 0x8B;
                raw.reset();
                return new Source(file, gzip ? new GZIPInputStream(raw, 1 << 16) : raw);
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

        int readInt() {
            read(4, (chunk, at, count) -> { });
            return ((buffer[0] & 0xFF) << 24) | ((buffer[1] & 0xFF) << 16) | ((buffer[2] & 0xFF) << 8) | (buffer[3] & 0xFF);
        }

        /** Reads exactly {@code count} bytes, handing them to {@code sink} a buffer at a time. */
        void read(int count, Chunk sink) {
            long need = offset + count;
            try {
                for (int done = 0; done < count; ) {
                    int got = in.readNBytes(buffer, 0, Math.min(buffer.length, count - done));
                    if (got == 0) throw truncated(file, offset, need);
                    sink.take(buffer, done, got);
                    done += got;
                    offset += got;
                }
            } catch (java.io.EOFException e) {
                throw new IllegalArgumentException(file + ": truncated gzip stream at offset " + offset);
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

    private static IllegalArgumentException truncated(Path file, long have, long need) {
        return new IllegalArgumentException(file + ": truncated at offset " + have + ": expected " + need + " bytes");
    }
}
