package dev.nabla.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** {@link MomentFloors} a vector at a time, without a branch; loaded only with the module. */
final class VectorMomentFloors implements MomentFloors.Impl {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final MomentFloors.Impl TAIL = new MomentFloors.Scalar();

    @Override
    public void zeroBelow(float[] a, int from, int to, float floor) {
        int i = from;
        for (int end = from + S.loopBound(to - from); i < end; i += S.length()) {
            FloatVector x = FloatVector.fromArray(S, a, i);
            x.blend(0f, x.abs().lt(floor)).intoArray(a, i);
        }
        TAIL.zeroBelow(a, i, to, floor);
    }
}
