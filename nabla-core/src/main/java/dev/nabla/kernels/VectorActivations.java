package dev.nabla.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** {@link Activations} on the Vector API, through {@link VectorMath} (the same bits compiled or not); only {@link Activations} loads this class, and only when the module is present. */
final class VectorActivations implements Activations.Impl {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final Activations.Scalar TAIL = new Activations.Scalar();

    @Override
    public void sigmoid(float[] a, int offset, int n) {
        int i = 0;
        for (int end = n - S.length(); i <= end; i += S.length()) {
            VectorMath.sigmoid(FloatVector.fromArray(S, a, offset + i)).intoArray(a, offset + i);
        }
        TAIL.sigmoid(a, offset + i, n - i);
    }

    @Override
    public void tanh(float[] a, int offset, int n) {
        int i = 0;
        for (int end = n - S.length(); i <= end; i += S.length()) {
            VectorMath.tanh(FloatVector.fromArray(S, a, offset + i)).intoArray(a, offset + i);
        }
        TAIL.tanh(a, offset + i, n - i);
    }

    @Override
    public void exp(float[] a, int offset, int n) {
        int i = 0;
        for (int end = n - S.length(); i <= end; i += S.length()) {
            VectorMath.exp(FloatVector.fromArray(S, a, offset + i)).intoArray(a, offset + i);
        }
        TAIL.exp(a, offset + i, n - i);
    }
}
