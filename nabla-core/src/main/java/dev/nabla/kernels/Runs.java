package dev.nabla.kernels;

/**
 * Copies or adds equally spaced runs of floats into others: an image unfolded into a convolution's columns (im2col),
 * the column gradient folded back onto it (col2im). The runs are short and many (an output row of a 3x3 kernel: 11
 * floats, 3168 runs per image in W5's second convolution): the scalar loop was an eighth of that layer's time, and a
 * call of System.arraycopy per run a tenth of W5's. Run {@code i} of {@code src} starts at {@code from + i *
 * srcStride}, of {@code dst} at {@code to + i * dstStride}; both implementations add each entry once, in float, so
 * they give the same bits.
 */
public final class Runs {

    interface Impl {
        void add(float[] src, int from, int srcStride, float[] dst, int to, int dstStride, int count, int length, int limit);

        void copy(float[] src, int from, int srcStride, float[] dst, int to, int dstStride, int count, int length, int limit);
    }

    static final Impl IMPL = VectorImplementations.orScalar(Impl.class, "VectorRuns", new Scalar());

    private Runs() {
    }

    /**
     * Adds {@code count} runs of {@code length} floats of src into dst's runs. No other entry of dst changes, but
     * entries after a run, below {@code limit}, may be read and written back as they were: no other thread may write
     * dst in [to, limit) meanwhile.
     */
    public static void add(float[] src, int from, int srcStride, float[] dst, int to, int dstStride, int count, int length, int limit) {
        if (count <= 0 || length <= 0) return;
        IMPL.add(src, from, srcStride, dst, to, dstStride, count, length, limit);
    }

    /**
     * Copies {@code count} runs of {@code length} floats of src into dst's runs, in order. Up to a vector of entries
     * after a run shorter than a vector, below {@code limit}, may be overwritten with other values: the caller writes
     * them afterwards (a later run, or its zeros), and no other thread may write dst in [to, limit) meanwhile.
     */
    public static void copy(float[] src, int from, int srcStride, float[] dst, int to, int dstStride, int count, int length, int limit) {
        if (count <= 0 || length <= 0) return;
        IMPL.copy(src, from, srcStride, dst, to, dstStride, count, length, limit);
    }

    /** The scalar implementation, and the vector one's runs that a vector would take past an array or the limit. */
    static final class Scalar implements Impl {
        @Override
        public void add(float[] src, int from, int srcStride, float[] dst, int to, int dstStride, int count, int length, int limit) {
            for (int i = 0; i < count; i++) addRun(src, from + i * srcStride, dst, to + i * dstStride, 0, length);
        }

        @Override
        public void copy(float[] src, int from, int srcStride, float[] dst, int to, int dstStride, int count, int length, int limit) {
            for (int i = 0; i < count; i++) System.arraycopy(src, from + i * srcStride, dst, to + i * dstStride, length);
        }

        static void addRun(float[] src, int s, float[] dst, int d, int fromEntry, int length) {
            for (int j = fromEntry; j < length; j++) dst[d + j] += src[s + j];
        }
    }
}
