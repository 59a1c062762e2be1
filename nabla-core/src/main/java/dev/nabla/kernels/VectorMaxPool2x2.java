package dev.nabla.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link MaxPool2x2} a vector of windows at a time: the four corners of L windows are four gathers along the plan's
 * offsets, and the corner arithmetic is the scalar one's lane by lane. A plane with a NaN is done again by the scalar
 * loop, whose NaN rule is a branch; loaded only with the module. Testing each vector for NaN ({@code test(IS_NAN)})
 * and narrowing the corners with {@code castShape} made it twice as slow as the scalar loop on JDK 17; a running
 * maximum checked once and {@code convertShape} make it 3.5 times as fast (1.3 ns a window, W5's first pool).
 */
final class VectorMaxPool2x2 implements MaxPool2x2.Impl {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Bytes, one per float lane, for the corners. */
    static final VectorSpecies<Byte> CORNERS = VectorSpecies.of(byte.class, VectorShape.forBitSize(S.length() * Byte.SIZE));

    @Override
    public void forward(MaxPool2x2.Plan plan, float[] in, int src, float[] out, int dst, byte[] corners) {
        int[] offsets = plan.offsets;
        int w = plan.width, k = 0;
        FloatVector probe = FloatVector.zero(S); // a NaN in any window makes its lane NaN (max keeps NaNs)
        for (int end = S.loopBound(offsets.length); k < end; k += S.length()) {
            FloatVector a = FloatVector.fromArray(S, in, src, offsets, k), b = FloatVector.fromArray(S, in, src + 1, offsets, k);
            FloatVector c = FloatVector.fromArray(S, in, src + w, offsets, k), d = FloatVector.fromArray(S, in, src + w + 1, offsets, k);
            FloatVector upper = a.max(b), lower = c.max(d), max = upper.max(lower);
            max.intoArray(out, dst + k);
            if (corners == null) continue;
            probe = probe.max(max);
            corners(a, b, c, d, upper, lower).intoArray(corners, dst + k);
        }
        if (corners != null && probe.compare(VectorOperators.NE, probe).anyTrue()) k = 0; // NaN corners: the scalar rule
        MaxPool2x2.Scalar.forward(plan, in, src, out, dst, corners, k, offsets.length);
    }

    /**
     * The winning corners of L windows a b / c d (none NaN) whose rows' maxima are upper and lower, as bytes: the
     * scalar {@link MaxPool2x2#corner} lane by lane.
     */
    static ByteVector corners(FloatVector a, FloatVector b, FloatVector c, FloatVector d, FloatVector upper, FloatVector lower) {
        IntVector right = signBit(a.sub(b)), below = signBit(upper.sub(lower)), rightBelow = signBit(c.sub(d));
        IntVector corner = below.lanewise(VectorOperators.LSHL, 1).add(right).add(below.mul(rightBelow.sub(right)));
        return (ByteVector) corner.convertShape(VectorOperators.I2B, CORNERS, 0);
    }

    /** Each lane's sign bit as 0 or 1: 1 where x - y was negative, the scalar {@code greater(y, x)}. */
    private static IntVector signBit(FloatVector difference) {
        return difference.reinterpretAsInts().lanewise(VectorOperators.LSHR, 31);
    }
}
