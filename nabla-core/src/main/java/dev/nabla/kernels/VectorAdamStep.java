package dev.nabla.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** {@link AdamStep} a vector of weights at a time, with the scalar loop's operations in its order; loaded only with the module. */
final class VectorAdamStep implements AdamStep.Impl {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final AdamStep.Scalar TAIL = new AdamStep.Scalar();

    @Override
    public void update(float[] p, float[] g, float[] m, float[] v, int from, int to, AdamStep.Coefficients c) {
        float b1 = c.beta1(), b2 = c.beta2(), a1 = 1 - b1, a2 = 1 - b2, l2 = c.l2(), shrink = c.shrink();
        float stepSize = c.stepSize(), sqrtC2 = c.sqrtC2(), eps = c.eps();
        int i = from;
        for (int end = from + S.loopBound(to - from); i < end; i += S.length()) {
            FloatVector pi = FloatVector.fromArray(S, p, i);
            FloatVector gi = FloatVector.fromArray(S, g, i).add(pi.mul(l2));
            FloatVector mi = FloatVector.fromArray(S, m, i).mul(b1).add(gi.mul(a1));
            FloatVector vi = FloatVector.fromArray(S, v, i).mul(b2).add(gi.mul(a2).mul(gi));
            mi = mi.blend(0f, mi.abs().lt(MomentFloors.GRADIENT));
            vi = vi.blend(0f, vi.lt(MomentFloors.SQUARED_GRADIENT));
            mi.intoArray(m, i);
            vi.intoArray(v, i);
            FloatVector denominator = vi.lanewise(VectorOperators.SQRT).div(sqrtC2).add(eps);
            pi.mul(shrink).sub(mi.mul(stepSize).div(denominator)).intoArray(p, i);
        }
        TAIL.update(p, g, m, v, i, to, c);
    }
}
