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
    }

    static final Impl IMPL = VectorImplementations.orScalar(Impl.class, "VectorColumnSums", new Scalar());

    private ColumnSums() {
    }

    /** out[outOff + j] += the sum over i of m[off + i * cols + j], for j below cols. */
    public static void addInto(float[] m, int off, int rows, int cols, float[] out, int outOff) {
        IMPL.addInto(m, off, rows, cols, out, outOff);
    }

    /** The scalar implementation, and the vector one's last columns (from {@code from}). */
    static final class Scalar implements Impl {
        @Override
        public void addInto(float[] m, int off, int rows, int cols, float[] out, int outOff) {
            addInto(m, off, rows, cols, out, outOff, 0);
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
