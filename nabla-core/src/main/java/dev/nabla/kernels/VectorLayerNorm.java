package dev.nabla.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** {@link LayerNorm} a vector of columns at a time, each row's sums in float lanes; loaded only with the module. */
final class VectorLayerNorm implements LayerNorm.Impl {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    @Override
    public void forward(float[] x, float[] gamma, float[] beta, float epsilon, int d, float[] xhat, float[] y, float[] rstd, int from, int to) {
        int bound = S.loopBound(d);
        for (int r = from; r < to; r++) {
            int o = r * d, j = 0;
            FloatVector sum = FloatVector.zero(S);
            for (; j < bound; j += S.length()) sum = sum.add(FloatVector.fromArray(S, x, o + j));
            float s = sum.reduceLanes(VectorOperators.ADD);
            for (; j < d; j++) s += x[o + j];
            float mean = s / d;
            FloatVector squares = FloatVector.zero(S);
            for (j = 0; j < bound; j += S.length()) {
                FloatVector c = FloatVector.fromArray(S, x, o + j).sub(mean);
                squares = c.fma(c, squares);
            }
            float q = squares.reduceLanes(VectorOperators.ADD);
            for (; j < d; j++) q += (x[o + j] - mean) * (x[o + j] - mean);
            float inv = (float) (1 / Math.sqrt(q / d + epsilon));
            rstd[r] = inv;
            for (j = 0; j < bound; j += S.length()) {
                FloatVector h = FloatVector.fromArray(S, x, o + j).sub(mean).mul(inv);
                h.intoArray(xhat, o + j);
                h.mul(FloatVector.fromArray(S, gamma, j)).add(FloatVector.fromArray(S, beta, j)).intoArray(y, o + j);
            }
            LayerNorm.Scalar.normalizeRow(x, gamma, beta, o, mean, inv, xhat, y, j, d);
        }
    }

    @Override
    public void inputGradient(float[] dy, float[] gamma, float[] xhat, float[] rstd, int d, float[] dx, int from, int to) {
        int bound = S.loopBound(d);
        for (int r = from; r < to; r++) {
            int o = r * d, j = 0;
            FloatVector sum = FloatVector.zero(S), dot = FloatVector.zero(S);
            for (; j < bound; j += S.length()) {
                FloatVector gh = FloatVector.fromArray(S, dy, o + j).mul(FloatVector.fromArray(S, gamma, j));
                sum = sum.add(gh);
                dot = gh.fma(FloatVector.fromArray(S, xhat, o + j), dot);
            }
            float s = sum.reduceLanes(VectorOperators.ADD), p = dot.reduceLanes(VectorOperators.ADD);
            for (; j < d; j++) {
                float gh = dy[o + j] * gamma[j];
                s += gh;
                p += gh * xhat[o + j];
            }
            float mg = s / d, mgx = p / d, inv = rstd[r];
            for (j = 0; j < bound; j += S.length()) {
                FloatVector gh = FloatVector.fromArray(S, dy, o + j).mul(FloatVector.fromArray(S, gamma, j));
                gh.sub(mg).sub(FloatVector.fromArray(S, xhat, o + j).mul(mgx)).mul(inv).intoArray(dx, o + j);
            }
            LayerNorm.Scalar.gradientRow(dy, gamma, xhat, o, mg, mgx, inv, dx, j, d);
        }
    }
}
