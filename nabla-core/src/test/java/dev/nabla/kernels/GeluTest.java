package dev.nabla.kernels;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GeluTest {

    private static float[] inputs() {
        float[] x = new float[20003]; // not a multiple of any vector length: the scalar tail runs too
        for (int i = 0; i < x.length; i++) x[i] = -10f + 20f * i / (x.length - 1);
        x[1] = Float.NaN; // in the vector part, as the rest
        x[2] = Float.POSITIVE_INFINITY;
        x[3] = 0f;
        return x;
    }

    @Test
    void theVectorLoopsAgreeWithTheScalarOnesToFloatPrecision() {
        assertThat(Gelu.IMPL).isNotInstanceOf(Gelu.Scalar.class); // the tests run with the incubator module
        float[] x = inputs(), g = new float[x.length];
        for (int i = 0; i < g.length; i++) g[i] = 1f + (i % 7) / 7f;
        float[] fast = new float[x.length], plain = new float[x.length];
        Gelu.forward(x, fast);
        new Gelu.Scalar().forward(x, plain, null, 0, x.length);
        assertClose(fast, plain);
        Gelu.backward(x, g, fast);
        new Gelu.Scalar().backward(x, null, g, plain, 0, x.length);
        assertClose(fast, plain);
    }

    @Test
    void splittingALargeArrayAcrossTheThreadsChangesNoValue() {
        int n = 100_003; // several chunks, none a multiple of the vector length but the aligned ones
        float[] x = new float[n], g = new float[n];
        java.util.Random r = new java.util.Random(4);
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextGaussian() * 3;
            g[i] = (float) r.nextGaussian();
        }
        float[] split = new float[n], whole = new float[n];
        Gelu.forward(x, split);
        Gelu.IMPL.forward(x, whole, null, 0, n);
        assertThat(split).containsExactly(whole);
        Gelu.backward(x, g, split);
        Gelu.IMPL.backward(x, null, g, whole, 0, n);
        assertThat(split).containsExactly(whole);
    }

    /**
     * Forward keeping Phi(x) gives the same outputs, Phi the bits of the backward pass's own, and the backward pass
     * from the kept Phi the bits of the one that computes it; the scalar form as well.
     */
    @Test
    void keepingPhiForTheBackwardPassChangesNoBit() {
        float[] x = inputs(), g = new float[x.length];
        for (int i = 0; i < g.length; i++) g[i] = 1f - (i % 5) / 3f;
        for (Gelu.Kernel kernel : new Gelu.Kernel[] {Gelu.IMPL, new Gelu.Scalar()}) {
            String name = kernel.getClass().getSimpleName();
            float[] plain = new float[x.length], kept = new float[x.length], cdf = new float[x.length];
            kernel.forward(x, plain, null, 0, x.length);
            kernel.forward(x, kept, cdf, 0, x.length);
            assertThat(kept).as(name + " forward").containsExactly(plain);
            for (int i = 0; i < x.length; i++) {
                if (!Float.isNaN(x[i])) assertThat((double) cdf[i]).as(name + " Phi at %d", i).isCloseTo(UnaryOp.normalCdf(x[i]), org.assertj.core.api.Assertions.within(2e-7));
            }
            kernel.backward(x, null, g, plain, 0, x.length);
            kernel.backward(x, cdf, g, kept, 0, x.length);
            assertThat(kept).as(name + " backward").containsExactly(plain);
        }
    }

    /** Relative 3e-6, absolute 1e-6 (the backward sum Phi + x phi cancels near x = -0.75). */
    private static void assertClose(float[] a, float[] b) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == b[i]) continue;
            if (Float.isNaN(b[i])) {
                assertThat(a[i]).as("at %d", i).isNaN();
            } else {
                assertThat((double) Math.abs(a[i] - b[i])).as("at %d: %s vs %s", i, a[i], b[i]).isLessThanOrEqualTo(3e-6 * Math.abs(b[i]) + 1e-6);
            }
        }
    }
}
