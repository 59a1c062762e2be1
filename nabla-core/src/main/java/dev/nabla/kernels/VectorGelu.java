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
        int bound = from + S.loopBound(to - from);
        for (Pass pass : FORWARD) pass.run(x, null, out, from, bound);
        TAIL.forward(x, out, bound, to);
    }

    @Override
    public void backward(float[] x, float[] g, float[] out, int from, int to) {
        int bound = from + S.loopBound(to - from);
        for (Pass pass : BACKWARD) pass.run(x, g, out, from, bound);
        TAIL.backward(x, g, out, bound, to);
    }

    private static final Pass[] FORWARD = {Pass.GELU};
    /** In two passes, Phi first, then the rest: one loop holding both exponentials grew past what the JIT inlines. */
    private static final Pass[] BACKWARD = {Pass.CDF, Pass.DERIVATIVE};

    /**
     * The loops, over [from, bound), through one virtual call site that sees three classes, which the JIT does not
     * inline: each pass is compiled on its own, with one exp. Inlined into their caller (a Parallel task), the JIT ran
     * out of room at Phi or at Phi's exp and kept their vectors on the heap: a quarter of W7's allocation.
     */
    private enum Pass {
        /** out = x Phi(x); out may be x. */
        GELU {
            @Override
            void run(float[] x, float[] g, float[] out, int from, int bound) {
                for (int i = from; i < bound; i += S.length()) {
                    FloatVector v = FloatVector.fromArray(S, x, i);
                    v.mul(cdf(v)).intoArray(out, i);
                }
            }
        },
        /** out = Phi(x). */
        CDF {
            @Override
            void run(float[] x, float[] g, float[] out, int from, int bound) {
                for (int i = from; i < bound; i += S.length()) cdf(FloatVector.fromArray(S, x, i)).intoArray(out, i);
            }
        },
        /** out = g (Phi(x) + x phi(x)), out holding Phi(x). */
        DERIVATIVE {
            @Override
            void run(float[] x, float[] g, float[] out, int from, int bound) {
                for (int i = from; i < bound; i += S.length()) {
                    FloatVector v = FloatVector.fromArray(S, x, i);
                    FloatVector pdf = VectorMath.exp(v.mul(v).mul(-0.5f)).mul(INV_SQRT_2PI);
                    FloatVector.fromArray(S, g, i).mul(v.fma(pdf, FloatVector.fromArray(S, out, i))).intoArray(out, i);
                }
            }
        };

        abstract void run(float[] x, float[] g, float[] out, int from, int bound);
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
