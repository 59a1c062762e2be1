package dev.nabla.kernels;

/**
 * The common 2x2, stride-2 max pool of one plane, with each window's winning corner for the backward pass. On real
 * images which corner wins is unpredictable, so neither implementation branches on the data (the branchy loop was
 * 10x slower, a mispredict per window). Among equal maxima the first in row-major order wins (top-left, top-right,
 * bottom-left, bottom-right), except that +0 beats -0; a window with a NaN (whose maximum is NaN) is won by its last
 * NaN, as in PyTorch. The Vector API's implementation gathers a vector of windows at a time (its windows may span
 * output rows) and gives the scalar one's values and corners.
 */
public final class MaxPool2x2 {

    interface Impl {
        void forward(Plan plan, float[] in, int src, float[] out, int dst, byte[] corners);
    }

    static final Impl IMPL = VectorImplementations.orScalar(Impl.class, "VectorMaxPool2x2", new Scalar());

    /**
     * The geometry of one or more planes: row stride {@code width} of the input, {@code outH} x {@code outW} windows a
     * plane, and each window's top-left offset in the input, in output order (the planes' outputs one after another).
     */
    public static final class Plan {
        final int width;
        final int[] offsets;

        /** One plane. */
        public Plan(int width, int outH, int outW) {
            this(width, outH, outW, 1, 0);
        }

        /**
         * {@code planes} planes {@code planeStride} apart in the input, pooled in one call: the vector loop then runs
         * over all their windows, where one plane of W5's second pool (5 x 5 windows) left 9 of its 25 to the scalar
         * loop.
         */
        public Plan(int width, int outH, int outW, int planes, int planeStride) {
            if (outH < 1 || outW < 1 || 2 * outW > width) {
                throw new IllegalArgumentException("maxPool2x2: " + outH + "x" + outW + " windows do not fit rows of width " + width);
            }
            if (planes < 1) throw new IllegalArgumentException("maxPool2x2: at least one plane, got " + planes);
            this.width = width;
            int perPlane = outH * outW;
            this.offsets = new int[planes * perPlane];
            for (int k = 0; k < offsets.length; k++) {
                int window = k % perPlane;
                offsets[k] = k / perPlane * planeStride + 2 * (window / outW) * width + 2 * (window % outW);
            }
        }

        public int windows() {
            return offsets.length;
        }
    }

    private MaxPool2x2() {
    }

    /**
     * Writes the maximum of each window of the plan's planes at in[src] to out[dst + k] (k the window in output order)
     * and, when {@code corners} is not null, its winning corner (see {@link #corner}) to corners[dst + k].
     */
    public static void forward(Plan plan, float[] in, int src, float[] out, int dst, byte[] corners) {
        IMPL.forward(plan, in, src, out, dst, corners);
    }

    /** The winning corner of the 2x2 window at {@code i} (row stride w): 2 * row + column, each 0 or 1. */
    public static int corner(float[] in, int i, int w) {
        float a = in[i], b = in[i + 1], c = in[i + w], d = in[i + w + 1];
        return corner(a, b, c, d, Math.max(a, b), Math.max(c, d));
    }

    /** {@link #corner(float[], int, int)} of the window a b / c d, given its rows' maxima (NaN if a row holds one). */
    static int corner(float a, float b, float c, float d, float top, float bottom) {
        // The NaN test is a branch, but one that is always predicted right on real data.
        if (top != top | bottom != bottom) return d != d ? 3 : c != c ? 2 : b != b ? 1 : 0;
        int right = greater(b, a), lower = greater(bottom, top), rightBelow = greater(d, c);
        return 2 * lower + right + lower * (rightBelow - right);
    }

    /** 1 when y > x, else 0, without a branch: for numbers (not NaN), x - y is negative exactly when y > x. */
    private static int greater(float y, float x) {
        return Float.floatToRawIntBits(x - y) >>> 31;
    }

    /** The scalar implementation, and the vector one's last windows and windows with a NaN. */
    static final class Scalar implements Impl {
        @Override
        public void forward(Plan plan, float[] in, int src, float[] out, int dst, byte[] corners) {
            forward(plan, in, src, out, dst, corners, 0, plan.windows());
        }

        static void forward(Plan plan, float[] in, int src, float[] out, int dst, byte[] corners, int from, int to) {
            int w = plan.width;
            for (int k = from; k < to; k++) {
                int i = src + plan.offsets[k];
                float a = in[i], b = in[i + 1], c = in[i + w], d = in[i + w + 1];
                float upper = Math.max(a, b), lower = Math.max(c, d); // the corner reuses the rows' maxima
                out[dst + k] = Math.max(upper, lower);
                if (corners != null) corners[dst + k] = (byte) corner(a, b, c, d, upper, lower);
            }
        }
    }
}
