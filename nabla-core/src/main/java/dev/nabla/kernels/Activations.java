package dev.nabla.kernels;

import dev.nabla.kernels.UnaryOp;

/**
 * Sigmoid, tanh and exp over a run of a float array, in place: the gate functions of the recurrent layers and the
 * exponentials of attention's softmax. With {@code jdk.incubator.vector} present they run on the Vector API through
 * {@link VectorMath} (many times faster than a scalar loop over {@link Math#exp}, and the same bits whether the JIT has
 * compiled the loop or not); otherwise one value at a time. Both agree with the exact functions to a few float roundings.
 */
public final class Activations {

    /** The vector implementation, loaded by name so that it is never linked without the incubator module. */
    interface Impl {
        void sigmoid(float[] a, int offset, int n);

        void tanh(float[] a, int offset, int n);

        void exp(float[] a, int offset, int n);
    }

    static final Impl IMPL = choose();

    private Activations() {
    }

    /** a[offset .. offset+n) = sigmoid(a[...]). */
    public static void sigmoidInPlace(float[] a, int offset, int n) {
        IMPL.sigmoid(a, offset, n);
    }

    /** a[offset .. offset+n) = tanh(a[...]). */
    public static void tanhInPlace(float[] a, int offset, int n) {
        IMPL.tanh(a, offset, n);
    }

    /** a[offset .. offset+n) = exp(a[...]); exp(-inf) = 0. */
    public static void expInPlace(float[] a, int offset, int n) {
        IMPL.exp(a, offset, n);
    }

    /** tanh through exp, stable for any x (Math.tanh is no JIT intrinsic and several times slower). */
    public static float tanh(float x) {
        double e = Math.exp(-2.0 * Math.abs(x));
        return (float) Math.copySign((1.0 - e) / (1.0 + e), x);
    }

    /** The scalar implementation, and the vector one's tail. */
    static final class Scalar implements Impl {
        @Override
        public void sigmoid(float[] a, int offset, int n) {
            for (int i = offset; i < offset + n; i++) a[i] = UnaryOp.sigmoid(a[i]);
        }

        @Override
        public void tanh(float[] a, int offset, int n) {
            for (int i = offset; i < offset + n; i++) a[i] = Activations.tanh(a[i]);
        }

        @Override
        public void exp(float[] a, int offset, int n) {
            for (int i = offset; i < offset + n; i++) a[i] = (float) Math.exp(a[i]);
        }
    }

    private static Impl choose() {
        return Boolean.getBoolean("nabla.scalarActivations") ? new Scalar()
                : VectorImplementations.orScalar(Impl.class, "VectorActivations", new Scalar());
    }
}
