package dev.nabla.kernels;

/**
 * Adds the column sums of a row-major [rows, cols] block into a vector: a bias's gradient, dY summed over the batch.
 * Each column is summed in row order in float, so the result is the plain loop's bit for bit; the Vector API's
 * implementation takes a vector of columns at a time. The plain loop {@code out[j] += m[i * cols + j]} is not
 * vectorised by the JIT, which cannot rule out that {@code out} and {@code m} are one array (a bias gradient was a
 * tenth of W7's profile). Large blocks are split by columns across {@link Parallel} threads: each column still summed
 * by one thread in row order, so the same bits whatever the thread count (W7's bias and scale gradients, [2048, 64 to
 * 192], were summed by one thread while the other waited, a twentieth of its step).
 */
public final class ColumnSums {

    interface Impl {
        /** out[outOff + j] += the sum over i of m[off + i * cols + j], for j in [from, to). */
        void addInto(float[] m, int off, int rows, int cols, float[] out, int outOff, int from, int to);

        /** out[outOff + j] += the sum over i of a[off + i * cols + j] * b[off + i * cols + j], for j in [from, to). */
        void addProductsInto(float[] a, float[] b, int off, int rows, int cols, float[] out, int outOff, int from, int to);
    }

    /** Below this many entries a block is summed by the calling thread alone. */
    private static final int PARALLEL_ENTRIES = 1 << 16;
    /** Column chunks start at multiples of this (the widest vector's floats), so that each is whole vectors. */
    private static final int ALIGN = 16;

    static final Impl IMPL = VectorImplementations.orScalar(Impl.class, "VectorColumnSums", new Scalar());

    private ColumnSums() {
    }

    /** out[outOff + j] += the sum over i of m[off + i * cols + j], for j below cols. */
    public static void addInto(float[] m, int off, int rows, int cols, float[] out, int outOff) {
        if ((long) rows * cols < PARALLEL_ENTRIES) {
            IMPL.addInto(m, off, rows, cols, out, outOff, 0, cols);
            return;
        }
        byColumns(cols, out, outOff, (from, to, sums, at) -> IMPL.addInto(m, off, rows, cols, sums, at, from, to));
    }

    /**
     * out[j] += the sum over i of a[i * cols + j] * b[i * cols + j], for j below cols: a scale's gradient, dY times
     * the normalised input summed over the rows. Each product is rounded, then added in row order.
     */
    public static void addProductsInto(float[] a, float[] b, int rows, int cols, float[] out) {
        if ((long) rows * cols < PARALLEL_ENTRIES) {
            IMPL.addProductsInto(a, b, 0, rows, cols, out, 0, 0, cols);
            return;
        }
        byColumns(cols, out, 0, (from, to, sums, at) -> IMPL.addProductsInto(a, b, 0, rows, cols, sums, at, from, to));
    }

    /** Sums of columns [from, to) added into sums[at + j] for j in [from, to). */
    @FunctionalInterface
    private interface ColumnRange {
        void addInto(int from, int to, float[] sums, int at);
    }

    /**
     * The sums of a large block's columns added into out[outOff, outOff + cols), split by columns across threads.
     * Each thread sums into its own copy of its part: updated row after row, neighbouring sums in one cache line of
     * out would bounce between the cores (W7 ran 10% slower).
     */
    private static void byColumns(int cols, float[] out, int outOff, ColumnRange range) {
        Parallel.forAlignedRange(cols, ALIGN, ALIGN, (from, to) -> {
            float[] sums = java.util.Arrays.copyOfRange(out, outOff + from, outOff + to);
            range.addInto(from, to, sums, -from);
            System.arraycopy(sums, 0, out, outOff + from, to - from);
        });
    }

    /** The scalar implementation, and the vector one's last columns. */
    static final class Scalar implements Impl {
        @Override
        public void addProductsInto(float[] a, float[] b, int off, int rows, int cols, float[] out, int outOff, int from, int to) {
            for (int j = from; j < to; j++) {
                float s = out[outOff + j];
                for (int i = 0; i < rows; i++) s += a[off + i * cols + j] * b[off + i * cols + j];
                out[outOff + j] = s;
            }
        }

        @Override
        public void addInto(float[] m, int off, int rows, int cols, float[] out, int outOff, int from, int to) {
            for (int j = from; j < to; j++) {
                float s = out[outOff + j];
                for (int i = 0; i < rows; i++) s += m[off + i * cols + j];
                out[outOff + j] = s;
            }
        }
    }
}
