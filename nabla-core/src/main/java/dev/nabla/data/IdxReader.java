package dev.nabla.data;

import dev.nabla.tensor.Tensor;

import java.io.ByteArrayOutputStream;
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
        byte[] b = bytes(file);
        int n = header(file, b, 0x803, 3);
        int rows = readInt(b, 8), cols = readInt(b, 12);
        long need = 16L + (long) n * rows * cols;
        if (b.length < need) throw truncated(file, b.length, need);
        float[] x = new float[n * rows * cols];
        for (int i = 0; i < x.length; i++) x[i] = (b[16 + i] & 0xFF) / 255f;
        return asImages ? Tensor.of(x, n, 1, rows, cols) : Tensor.of(x, n, rows * cols);
    }

    /** Labels of an idx1 file as class indices [n]. */
    public static Tensor labels(Path file) {
        byte[] b = bytes(file);
        int n = header(file, b, 0x801, 1);
        long need = 8L + n;
        if (b.length < need) throw truncated(file, b.length, need);
        float[] y = new float[n];
        for (int i = 0; i < n; i++) y[i] = b[8 + i] & 0xFF;
        return Tensor.of(y, n);
    }

    private static int header(Path file, byte[] b, int magic, int dims) {
        if (b.length < 4) throw truncated(file, b.length, 4);
        int m = readInt(b, 0);
        if (m != magic) {
            throw new IllegalArgumentException(file + ": offset 0: expected IDX magic 0x" + Integer.toHexString(magic) + ", found 0x" + Integer.toHexString(m));
        }
        if (b.length < 4 + 4 * dims) throw truncated(file, b.length, 4 + 4 * dims);
        int n = readInt(b, 4);
        if (n < 0) throw new IllegalArgumentException(file + ": offset 4: negative item count " + n);
        return n;
    }

    private static IllegalArgumentException truncated(Path file, long have, long need) {
        return new IllegalArgumentException(file + ": truncated at offset " + have + ": expected " + need + " bytes");
    }

    private static int readInt(byte[] b, int at) {
        return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }

    private static byte[] bytes(Path file) {
        try {
            byte[] raw = Files.readAllBytes(file);
            if (raw.length >= 2 && (raw[0] & 0xFF) == 0x1F && (raw[1] & 0xFF) == 0x8B) {
                try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(raw), 1 << 16)) {
                    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length * 4);
                    in.transferTo(out);
                    return out.toByteArray();
                } catch (java.io.EOFException e) {
                    throw new IllegalArgumentException(file + ": truncated gzip stream (compressed size " + raw.length + " bytes)");
                }
            }
            return raw;
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file");
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read", e);
        }
    }
}
