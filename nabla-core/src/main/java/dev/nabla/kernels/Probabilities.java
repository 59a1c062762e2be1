package dev.nabla.kernels;

/**
 * A model's output row read as a distribution, in double: a row that already is one (softmax output: non-negative,
 * summing to 1) as it is, any other row as logits through a stable log-softmax. Predictions, generation and the
 * language model's loss all read rows this way.
 */
public final class Probabilities {

    private Probabilities() {
    }

    /** log p of the {@code k} scores at {@code v[off, off + k)}; a probability of 0 gives log 1e-30, not -infinity. */
    public static double[] log(float[] v, int off, int k) {
        double sum = 0, max = Double.NEGATIVE_INFINITY;
        boolean nonNegative = true;
        for (int j = 0; j < k; j++) {
            sum += v[off + j];
            max = Math.max(max, v[off + j]);
            nonNegative &= v[off + j] >= 0;
        }
        double[] out = new double[k];
        if (nonNegative && Math.abs(sum - 1) < 1e-3) {
            for (int j = 0; j < k; j++) out[j] = Math.log(Math.max(v[off + j], 1e-30));
            return out;
        }
        double z = 0;
        for (int j = 0; j < k; j++) z += Math.exp(v[off + j] - max);
        double logZ = max + Math.log(z);
        for (int j = 0; j < k; j++) out[j] = v[off + j] - logZ;
        return out;
    }

    /** The probabilities of the row (see {@link #log}); a probability row comes back as it is, to double rounding. */
    public static double[] of(float[] v, int off, int k) {
        double[] p = log(v, off, k);
        for (int j = 0; j < k; j++) p[j] = Math.exp(p[j]);
        return p;
    }
}
