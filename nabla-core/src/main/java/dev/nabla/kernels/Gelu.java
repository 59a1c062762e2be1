package dev.nabla.kernels;

/**
 * Exact GELU, {@code x Phi(x)}, and its derivative {@code Phi(x) + x phi(x)} over float arrays. With the Vector API
 * in the boot layer the loops run on {@link VectorGelu} (explicit vectors and the vector exp): about 40 times the
 * speed of the scalar loop, whose Math.exp per value made GELU half of a small Transformer's step. Both evaluate
 * Phi from one erfc fit ({@link UnaryOp#normalCdf}), within about 1e-6 of each other. Large arrays are split
 * across the threads (each value on its own, so the split changes no result): a Transformer's MLP activations are
 * a quarter of a million values a step.
 */
public final class Gelu {

    /** The two loops over [from, to), scalar or vector; cdf may be null (forward: not kept; backward: not saved). */
    interface Kernel {
        void forward(float[] x, float[] out, float[] cdf, int from, int to);

        void backward(float[] x, float[] cdf, float[] g, float[] out, int from, int to);
    }

    /** Values per parallel task: about 15 microseconds of the vector loops, a few times a worker's hand-off. */
    private static final int PARALLEL_MIN = 16 * 1024;
    /** Chunks start at multiples of this (of every vector length), so that the split changes no value. */
    private static final int ALIGN = 64;

    static final Kernel IMPL = VectorImplementations.orScalar(Kernel.class, "VectorGelu", new Scalar());

    private Gelu() {}

    /** out[i] = x[i] Phi(x[i]); out may be x. */
    public static void forward(float[] x, float[] out) {
        forward(x, out, null);
    }

    /**
     * out[i] = x[i] Phi(x[i]), keeping Phi(x[i]) in cdf[i] (when not null) for {@link #backward(float[], float[],
     * float[], float[])}: the backward pass then skips Phi's division and exponential, a third of GELU's cost in W7.
     */
    public static void forward(float[] x, float[] out, float[] cdf) {
        Parallel.forAlignedRange(x.length, ALIGN, PARALLEL_MIN, (from, to) -> IMPL.forward(x, out, cdf, from, to));
    }

    /** out[i] = g[i] (Phi(x[i]) + x[i] phi(x[i])), the gradient through GELU. */
    public static void backward(float[] x, float[] g, float[] out) {
        backward(x, null, g, out);
    }

    /**
     * The gradient through GELU with Phi(x) as {@link #forward(float[], float[], float[])} kept it (or null): the same
     * values as computing it again (the scalar form computes it again, in double).
     */
    public static void backward(float[] x, float[] cdf, float[] g, float[] out) {
        Parallel.forAlignedRange(x.length, ALIGN, PARALLEL_MIN, (from, to) -> IMPL.backward(x, cdf, g, out, from, to));
    }

    /** The scalar form, also for the tails the vector loops leave. */
    static final class Scalar implements Kernel {
        private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

        @Override
        public void forward(float[] x, float[] out, float[] cdf, int from, int to) {
            for (int i = from; i < to; i++) {
                double phi = UnaryOp.normalCdf(x[i]);
                if (cdf != null) cdf[i] = (float) phi;
                out[i] = (float) (x[i] * phi);
            }
        }

        /** Phi in double from x again, whether kept or not: the kept float would round it. */
        @Override
        public void backward(float[] x, float[] cdf, float[] g, float[] out, int from, int to) {
            for (int i = from; i < to; i++) {
                double xi = x[i];
                out[i] = (float) (g[i] * (UnaryOp.normalCdf(xi) + xi * Math.exp(-0.5 * xi * xi) * INV_SQRT_2PI));
            }
        }
    }
}
