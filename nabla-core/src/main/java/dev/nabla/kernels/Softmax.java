package dev.nabla.kernels;

/**
 * Attention's softmax over blocks of score rows, and its gradient. The vector implementation computes the same
 * bits as the scalar one: the maximum is order-free, the subtraction and the scaling are elementwise, and both take
 * the exponentials as one {@link Activations#expInPlace} pass over the block and each row's sum from
 * {@link Reduce#sum} (in double), the gradient's row dot in double in key order. A row of 16 scores is one
 * AVX-512 vector: as scalar loops with a branch per key, the softmax was a twentieth of W7's step.
 */
public final class Softmax {

    interface Impl {
        void rows(float[] s, int off, int rows, int cols, float[] mask, int maskOff, boolean causal);

        void scoreGradient(float[] p, int pOff, float[] dp, int dOff, int rows, int cols);
    }

    static final Impl IMPL = VectorImplementations.orScalar(Impl.class, "VectorSoftmax", new Scalar());

    private Softmax() {
    }

    /**
     * Softmax of each of the {@code rows} score rows of {@code cols} at {@code s[off]}, over the keys the masks leave
     * (key j of row i: {@code mask[maskOff + j] != 0}, mask may be null, and, when causal, j &lt;= i), the maximum
     * subtracted first; masked entries and rows with no key left become 0.
     */
    public static void rows(float[] s, int off, int rows, int cols, float[] mask, int maskOff, boolean causal) {
        IMPL.rows(s, off, rows, cols, mask, maskOff, causal);
    }

    /**
     * The scores' gradient from the probabilities' gradient, in place: {@code dp = p * (dp - rowsum(dp * p))} for the
     * [rows, cols] blocks p at pOff and dp at dOff.
     */
    public static void scoreGradient(float[] p, int pOff, float[] dp, int dOff, int rows, int cols) {
        IMPL.scoreGradient(p, pOff, dp, dOff, rows, cols);
    }

    /** The scalar implementation, and the vector one's last columns. */
    static final class Scalar implements Impl {
        @Override
        public void rows(float[] s, int off, int rows, int cols, float[] mask, int maskOff, boolean causal) {
            for (int i = 0; i < rows; i++) {
                int row = off + i * cols, limit = limit(i, cols, causal);
                float max = max(s, row, mask, maskOff, limit, 0, Float.NEGATIVE_INFINITY);
                shift(s, row, mask, maskOff, limit, max, 0, cols);
            }
            // the exponentials as one pass over the block: rows of a few keys each made a call per row
            Activations.expInPlace(s, off, rows * cols);
            for (int i = 0; i < rows; i++) {
                int row = off + i * cols;
                float inv = inverseSum(s, row, cols);
                if (inv != 0f) scale(s, row, inv, 0, cols);
            }
        }

        @Override
        public void scoreGradient(float[] p, int pOff, float[] dp, int dOff, int rows, int cols) {
            for (int i = 0; i < rows; i++) {
                int pr = pOff + i * cols, dr = dOff + i * cols;
                subtractAndScale(p, pr, dp, dr, (float) dot(p, pr, dp, dr, cols), 0, cols);
            }
        }

        /** The largest kept score of the row from key {@code from} on, starting from {@code max}. */
        static float max(float[] s, int row, float[] mask, int maskOff, int limit, int from, float max) {
            for (int j = from; j < limit; j++) if (mask == null || mask[maskOff + j] != 0) max = Math.max(max, s[row + j]);
            return max;
        }

        /**
         * Kept scores minus the max; a masked key, a key past the causal limit and every key of a row with none left
         * become -inf, so 0 after the exponential.
         */
        static void shift(float[] s, int row, float[] mask, int maskOff, int limit, float max, int from, int cols) {
            for (int j = from; j < cols; j++) {
                boolean kept = max != Float.NEGATIVE_INFINITY && j < limit && (mask == null || mask[maskOff + j] != 0);
                s[row + j] = kept ? s[row + j] - max : Float.NEGATIVE_INFINITY;
            }
        }

        /** The row's sum of dp * p (each product in float), in double, in key order. */
        static double dot(float[] p, int pr, float[] dp, int dr, int cols) {
            double dot = 0;
            for (int j = 0; j < cols; j++) dot += dp[dr + j] * p[pr + j];
            return dot;
        }

        static void scale(float[] s, int row, float inv, int from, int cols) {
            for (int j = from; j < cols; j++) s[row + j] *= inv;
        }

        static void subtractAndScale(float[] p, int pr, float[] dp, int dr, float dot, int from, int cols) {
            for (int j = from; j < cols; j++) dp[dr + j] = p[pr + j] * (dp[dr + j] - dot);
        }
    }

    /** The keys row i may see: all, or those up to i when causal. */
    static int limit(int i, int cols, boolean causal) {
        return causal ? Math.min(cols, i + 1) : cols;
    }

    /**
     * 1 / the row's sum, or 0 for a row with no key left (all its values are 0 already; a kept row holds exp(0) = 1,
     * so its sum is at least 1).
     */
    static float inverseSum(float[] s, int row, int cols) {
        double sum = Reduce.sum(s, row, cols);
        return sum == 0 ? 0f : (float) (1 / sum);
    }
}
