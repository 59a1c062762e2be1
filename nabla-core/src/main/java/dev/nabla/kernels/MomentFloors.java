package dev.nabla.kernels;

/**
 * Floors under optimizers' running averages, below which they are set to zero before they become subnormal floats:
 * x86 CPUs compute with a subnormal operand or result through a microcode assist a hundred times slower than the
 * instruction, and a weight whose gradient stops (a Fashion-MNIST border pixel that is rarely lit) takes its
 * averages there by decay, within a thousand steps at 0.9. Adam was a quarter of W4's profile for this reason.
 *
 * <p>A running average of gradients (Adam's m, SGD's momentum buffer) below {@link #GRADIENT} moves its weight by
 * less than lr 2^-100 (over eps for Adam), below the last bit of any float weight above 2^-70 lr (/ eps). A running
 * average of squared gradients below {@link #SQUARED_GRADIENT}, the smallest normal float, adds at most 2^-63 to a
 * denominator that is at least eps once its square root is taken.
 */
public final class MomentFloors {

    /** Averages of gradients below this in magnitude become zero; far enough above the subnormals that their products stay normal. */
    public static final float GRADIENT = 0x1p-100f;
    /** Averages of squared gradients below this (the smallest normal float) become zero. */
    public static final float SQUARED_GRADIENT = Float.MIN_NORMAL;
    /**
     * Weights per block for an optimizer that updates a block and then floors it: a few kilobytes, so that the floor
     * pass finds them in the L1 cache.
     */
    public static final int BLOCK = 1024;

    interface Impl {
        void zeroBelow(float[] a, int from, int to, float floor);
    }

    static final Impl IMPL = VectorImplementations.orScalar(Impl.class, "VectorMomentFloors", new Scalar());

    private MomentFloors() {
    }

    /** Sets each a[i] in [from, to) whose magnitude is below {@code floor} to zero. */
    public static void zeroBelow(float[] a, int from, int to, float floor) {
        IMPL.zeroBelow(a, from, to, floor);
    }

    /** The scalar implementation, and the vector one's last elements. */
    static final class Scalar implements Impl {
        @Override
        public void zeroBelow(float[] a, int from, int to, float floor) {
            for (int i = from; i < to; i++) if (Math.abs(a[i]) < floor) a[i] = 0;
        }
    }
}
