package dev.nabla.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** {@link Activations} on the Vector API; only {@link Activations} loads this class, and only when the module is present. */
final class VectorActivations implements Activations.Impl {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final Activations.Scalar TAIL = new Activations.Scalar();

    @Override
    public void sigmoid(float[] a, int offset, int n) {
        int i = 0;
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int end = n - S.length(); i <= end; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, a, offset + i);
            one.div(v.neg().lanewise(VectorOperators.EXP).add(one)).intoArray(a, offset + i);
        }
        TAIL.sigmoid(a, offset + i, n - i);
    }

    @Override
    public void tanh(float[] a, int offset, int n) {
        int i = 0;
        for (int end = n - S.length(); i <= end; i += S.length()) {
            FloatVector.fromArray(S, a, offset + i).lanewise(VectorOperators.TANH).intoArray(a, offset + i);
        }
        TAIL.tanh(a, offset + i, n - i);
    }
}
