package dev.nabla.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** {@link Gelu}'s loops with explicit vectors: the erfc fit of {@link UnaryOp#normalCdf} in float, lane by lane. */
final class VectorGelu implements Gelu.Kernel {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final Gelu.Kernel TAIL = new Gelu.Scalar();
    private static final float INV_SQRT_2 = (float) (1 / Math.sqrt(2));
    private static final float INV_SQRT_2PI = (float) (1 / Math.sqrt(2 * Math.PI));

    @Override
    public void forward(float[] x, float[] out, int from, int to) {
        int i = from, bound = from + S.loopBound(to - from);
        for (; i < bound; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            v.mul(cdf(v)).intoArray(out, i);
        }
        TAIL.forward(x, out, i, to);
    }

    /**
     * In two passes, Phi first, then the rest: one loop holding both exponentials grew past what the JIT inlines, and
     * the exp it then left as a call boxed every vector (2.3 ns a value; 1.3 ns in two passes).
     */
    @Override
    public void backward(float[] x, float[] g, float[] out, int from, int to) {
        int bound = from + S.loopBound(to - from);
        for (int i = from; i < bound; i += S.length()) cdf(FloatVector.fromArray(S, x, i)).intoArray(out, i);
        derivative(x, g, out, from, bound);
        TAIL.backward(x, g, out, bound, to);
    }

    /** out[i] = g[i] (out[i] + x[i] phi(x[i])) in [from, bound), where out holds Phi(x). */
    private static void derivative(float[] x, float[] g, float[] out, int from, int bound) {
        for (int i = from; i < bound; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            FloatVector pdf = VectorMath.exp(v.mul(v).mul(-0.5f)).mul(INV_SQRT_2PI);
            FloatVector.fromArray(S, g, i).mul(v.fma(pdf, FloatVector.fromArray(S, out, i))).intoArray(out, i);
        }
    }

    /** Phi(x) = erfc(|x|/sqrt 2)/2 below 0, 1 - that above. */
    private static FloatVector cdf(FloatVector x) {
        FloatVector z = x.abs().mul(INV_SQRT_2);
        FloatVector t = FloatVector.broadcast(S, 1f).div(z.fma(0.5f, 1f));
        FloatVector p = t.fma(0.17087277f, -0.82215223f);
        p = p.mul(t).add(1.48851587f);
        p = p.mul(t).add(-1.13520398f);
        p = p.mul(t).add(0.27886807f);
        p = p.mul(t).add(-0.18628806f);
        p = p.mul(t).add(0.09678418f);
        p = p.mul(t).add(0.37409196f);
        p = p.mul(t).add(1.00002368f);
        p = p.mul(t).add(-1.26551223f);
        FloatVector tail = t.mul(VectorMath.exp(z.mul(z).neg().add(p))).mul(0.5f);
        VectorMask<Float> negative = x.compare(VectorOperators.LT, 0f);
        return tail.neg().add(1f).blend(tail, negative);
    }
}
