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

    /** The two loops over [from, to), scalar or vector. */
    interface Kernel {
        void forward(float[] x, float[] out, int from, int to);

        void backward(float[] x, float[] g, float[] out, int from, int to);
    }

    /** Values per parallel task: about 15 microseconds of the vector loops, a few times a worker's hand-off. */
    private static final int PARALLEL_MIN = 16 * 1024;
    /** Chunks start at multiples of this (of every vector length), so that the split changes no value. */
    private static final int ALIGN = 64;

    static final Kernel IMPL = VectorImplementations.orScalar(Kernel.class, "VectorGelu", new Scalar());

    private Gelu() {}

    /** out[i] = x[i] Phi(x[i]); out may be x. */
    public static void forward(float[] x, float[] out) {
        Parallel.forAlignedRange(x.length, ALIGN, PARALLEL_MIN, (from, to) -> IMPL.forward(x, out, from, to));
    }

    /** out[i] = g[i] (Phi(x[i]) + x[i] phi(x[i])), the gradient through GELU. */
    public static void backward(float[] x, float[] g, float[] out) {
        Parallel.forAlignedRange(x.length, ALIGN, PARALLEL_MIN, (from, to) -> IMPL.backward(x, g, out, from, to));
    }

    /** The scalar form, also for the tails the vector loops leave. */
    static final class Scalar implements Kernel {
        private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

        @Override
        public void forward(float[] x, float[] out, int from, int to) {
            for (int i = from; i < to; i++) out[i] = (float) (x[i] * UnaryOp.normalCdf(x[i]));
        }

        @Override
        public void backward(float[] x, float[] g, float[] out, int from, int to) {
            for (int i = from; i < to; i++) {
                double xi = x[i];
                out[i] = (float) (g[i] * (UnaryOp.normalCdf(xi) + xi * Math.exp(-0.5 * xi * xi) * INV_SQRT_2PI));
            }
        }
    }
}
