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
    public void forward(float[] x, float[] out, float[] cdf, int from, int to) {
        int bound = from + S.loopBound(to - from);
        run(cdf == null ? Pass.GELU : Pass.GELU_KEEPING_CDF, x, null, cdf, out, from, bound);
        TAIL.forward(x, out, cdf, bound, to);
    }

    @Override
    public void backward(float[] x, float[] cdf, float[] g, float[] out, int from, int to) {
        int bound = from + S.loopBound(to - from);
        if (cdf == null) run(Pass.CDF, x, g, null, out, from, bound);
        run(Pass.DERIVATIVE, x, g, cdf == null ? out : cdf, out, from, bound);
        TAIL.backward(x, cdf, g, out, bound, to);
    }

    /** Every pass is called here, one call site that sees four classes. */
    private static void run(Pass pass, float[] x, float[] g, float[] cdf, float[] out, int from, int bound) {
        pass.run(x, g, cdf, out, from, bound);
    }

    /**
     * The loops, over [from, bound), through one virtual call site ({@link #run}) that sees four classes, which the
     * JIT does not inline: each pass is compiled on its own, with one exp. Inlined into their caller (a Parallel
     * task), the JIT ran out of room at Phi or at Phi's exp and kept their vectors on the heap: a quarter of W7's
     * allocation. The backward pass without a kept Phi is two passes, Phi first: one loop holding both exponentials
     * grew past what the JIT inlines.
     */
    private enum Pass {
        /** out = x Phi(x); out may be x. */
        GELU {
            @Override
            void run(float[] x, float[] g, float[] cdf, float[] out, int from, int bound) {
                for (int i = from; i < bound; i += S.length()) {
                    FloatVector v = FloatVector.fromArray(S, x, i);
                    v.mul(cdf(v)).intoArray(out, i);
                }
            }
        },
        /** out = x Phi(x) and cdf = Phi(x); out may be x. */
        GELU_KEEPING_CDF {
            @Override
            void run(float[] x, float[] g, float[] cdf, float[] out, int from, int bound) {
                for (int i = from; i < bound; i += S.length()) {
                    FloatVector v = FloatVector.fromArray(S, x, i), c = cdf(v);
                    c.intoArray(cdf, i);
                    v.mul(c).intoArray(out, i);
                }
            }
        },
        /** out = Phi(x). */
        CDF {
            @Override
            void run(float[] x, float[] g, float[] cdf, float[] out, int from, int bound) {
                for (int i = from; i < bound; i += S.length()) cdf(FloatVector.fromArray(S, x, i)).intoArray(out, i);
            }
        },
        /** out = g (Phi(x) + x phi(x)), Phi(x) read from cdf (which may be out). */
        DERIVATIVE {
            @Override
            void run(float[] x, float[] g, float[] cdf, float[] out, int from, int bound) {
                for (int i = from; i < bound; i += S.length()) {
                    FloatVector v = FloatVector.fromArray(S, x, i);
                    FloatVector pdf = VectorMath.exp(v.mul(v).mul(-0.5f)).mul(INV_SQRT_2PI);
                    FloatVector.fromArray(S, g, i).mul(v.fma(pdf, FloatVector.fromArray(S, cdf, i))).intoArray(out, i);
                }
            }
        };

        abstract void run(float[] x, float[] g, float[] cdf, float[] out, int from, int bound);
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
