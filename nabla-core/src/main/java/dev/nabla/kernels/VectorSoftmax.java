package dev.nabla.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * {@link Softmax} on the Vector API, the same bits as its scalar form: whole vectors of keys, the keys past the
 * last whole vector of a row by the scalar loops. Only {@link Softmax} loads this class, and only when the module is
 * present.
 */
final class VectorSoftmax implements Softmax.Impl {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Lane i holds i: lane i of the vector at key j is kept by the causal limit when i &lt; limit - j. */
    private static final FloatVector LANES = FloatVector.zero(S).addIndex(1);

    @Override
    public void rows(float[] s, int off, int rows, int cols, float[] mask, int maskOff, boolean causal) {
        int whole = cols - cols % L;
        for (int i = 0; i < rows; i++) {
            int row = off + i * cols, limit = Softmax.limit(i, cols, causal);
            FloatVector max = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (int j = 0; j < whole; j += L) {
                max = max.lanewise(VectorOperators.MAX, FloatVector.fromArray(S, s, row + j), kept(mask, maskOff, limit, j));
            }
            float m = Softmax.Scalar.max(s, row, mask, maskOff, limit, whole, max.reduceLanes(VectorOperators.MAX));
            if (m == Float.NEGATIVE_INFINITY) {
                Arrays.fill(s, row, row + cols, Float.NEGATIVE_INFINITY);
                continue;
            }
            for (int j = 0; j < whole; j += L) {
                FloatVector.fromArray(S, s, row + j).sub(m).blend(Float.NEGATIVE_INFINITY, kept(mask, maskOff, limit, j).not())
                        .intoArray(s, row + j);
            }
            Softmax.Scalar.shift(s, row, mask, maskOff, limit, m, whole, cols);
        }
        Activations.expInPlace(s, off, rows * cols);
        for (int i = 0; i < rows; i++) {
            int row = off + i * cols;
            float inv = Softmax.inverseSum(s, row, cols);
            if (inv == 0f) continue;
            for (int j = 0; j < whole; j += L) FloatVector.fromArray(S, s, row + j).mul(inv).intoArray(s, row + j);
            Softmax.Scalar.scale(s, row, inv, whole, cols);
        }
    }

    /** The lanes of keys [j, j + L) that the key mask and the causal limit keep. */
    private static VectorMask<Float> kept(float[] mask, int maskOff, int limit, int j) {
        VectorMask<Float> inLimit = LANES.compare(VectorOperators.LT, limit - j);
        return mask == null ? inLimit : inLimit.and(FloatVector.fromArray(S, mask, maskOff + j).compare(VectorOperators.NE, 0f));
    }

    @Override
    public void scoreGradient(float[] p, int pOff, float[] dp, int dOff, int rows, int cols) {
        int whole = cols - cols % L;
        for (int i = 0; i < rows; i++) {
            int pr = pOff + i * cols, dr = dOff + i * cols;
            // the dot in double in key order is a chain of additions either way: the scalar form's loop
            float d = (float) Softmax.Scalar.dot(p, pr, dp, dr, cols);
            for (int j = 0; j < whole; j += L) {
                FloatVector.fromArray(S, p, pr + j).mul(FloatVector.fromArray(S, dp, dr + j).sub(d)).intoArray(dp, dr + j);
            }
            Softmax.Scalar.subtractAndScale(p, pr, dp, dr, d, whole, cols);
        }
    }
}
