package dev.nabla.kernels;

/**
 * Adds the column sums of a row-major [rows, cols] block into a vector: a bias's gradient, dY summed over the batch.
 * Each column is summed in row order in float, so the result is the plain loop's bit for bit; the Vector API's
 * implementation takes a vector of columns at a time. The plain loop {@code out[j] += m[i * cols + j]} is not
 * vectorised by the JIT, which cannot rule out that {@code out} and {@code m} are one array (a bias gradient was a
 * tenth of W7's profile).
 */
public final class ColumnSums {

    interface Impl {
        void addInto(float[] m, int off, int rows, int cols, float[] out, int outOff);

        void addProductsInto(float[] a, float[] b, int rows, int cols, float[] out);
    }

    static final Impl IMPL = VectorImplementations.orScalar(Impl.class, "VectorColumnSums", new Scalar());

    private ColumnSums() {
    }

    /** out[outOff + j] += the sum over i of m[off + i * cols + j], for j below cols. */
    public static void addInto(float[] m, int off, int rows, int cols, float[] out, int outOff) {
        IMPL.addInto(m, off, rows, cols, out, outOff);
    }

    /**
     * out[j] += the sum over i of a[i * cols + j] * b[i * cols + j], for j below cols: a scale's gradient, dY times
     * the normalised input summed over the rows. Each product is rounded, then added in row order.
     */
    public static void addProductsInto(float[] a, float[] b, int rows, int cols, float[] out) {
        IMPL.addProductsInto(a, b, rows, cols, out);
    }

    /** The scalar implementation, and the vector one's last columns (from {@code from}). */
    static final class Scalar implements Impl {
        @Override
        public void addInto(float[] m, int off, int rows, int cols, float[] out, int outOff) {
            addInto(m, off, rows, cols, out, outOff, 0);
        }

        @Override
        public void addProductsInto(float[] a, float[] b, int rows, int cols, float[] out) {
            addProductsInto(a, b, rows, cols, out, 0);
        }

        static void addProductsInto(float[] a, float[] b, int rows, int cols, float[] out, int from) {
            for (int j = from; j < cols; j++) {
                float s = out[j];
                for (int i = 0; i < rows; i++) s += a[i * cols + j] * b[i * cols + j];
                out[j] = s;
            }
        }

        static void addInto(float[] m, int off, int rows, int cols, float[] out, int outOff, int from) {
            for (int j = from; j < cols; j++) {
                float s = out[outOff + j];
                for (int i = 0; i < rows; i++) s += m[off + i * cols + j];
                out[outOff + j] = s;
            }
        }
    }
}
