package dev.nabla.kernels;

/**
 * One Adam update of a range of weights and their moments, as PyTorch's Adam computes it: g' = g + l2 p,
 * m = b1 m + (1 - b1) g', v = b2 v + (1 - b2) g'^2, p = p shrink - stepSize m / (sqrt(v) / sqrtC2 + eps).
 * The Vector API's implementation gives the scalar loop's bits. Moments that decay towards zero are set to zero
 * below {@link MomentFloors} before they become subnormal floats, in the same pass.
 */
public final class AdamStep {

    /** The constants of one step: the moments' betas, L2 weight decay, decoupled shrink, and the bias corrections. */
    public record Coefficients(float beta1, float beta2, float l2, float shrink, float stepSize, float sqrtC2, float eps) {
    }

    interface Impl {
        void update(float[] p, float[] g, float[] m, float[] v, int from, int to, Coefficients c);
    }

    static final Impl IMPL = VectorImplementations.orScalar(Impl.class, "VectorAdamStep", new Scalar());

    private AdamStep() {
    }

    /** Updates p[from, to) and its moments m and v from the gradient g. */
    public static void update(float[] p, float[] g, float[] m, float[] v, int from, int to, Coefficients c) {
        IMPL.update(p, g, m, v, from, to, c);
    }

    /** The scalar implementation, and the vector one's last elements. */
    static final class Scalar implements Impl {
        @Override
        public void update(float[] p, float[] g, float[] m, float[] v, int from, int to, Coefficients c) {
            float b1 = c.beta1(), b2 = c.beta2(), l2 = c.l2(), shrink = c.shrink(), stepSize = c.stepSize();
            float sqrtC2 = c.sqrtC2(), eps = c.eps();
            for (int i = from; i < to; i++) {
                float gi = g[i] + l2 * p[i];
                float mi = b1 * m[i] + (1 - b1) * gi;
                float vi = b2 * v[i] + (1 - b2) * gi * gi;
                if (Math.abs(mi) < MomentFloors.GRADIENT) mi = 0;
                if (vi < MomentFloors.SQUARED_GRADIENT) vi = 0;
                m[i] = mi;
                v[i] = vi;
                p[i] = p[i] * shrink - stepSize * mi / ((float) Math.sqrt(vi) / sqrtC2 + eps);
            }
        }
    }
}
