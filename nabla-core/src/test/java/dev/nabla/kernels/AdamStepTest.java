package dev.nabla.kernels;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The Adam update kernel: the vector implementation gives the scalar's bits, and setting dying moments to zero moves no weight. */
class AdamStepTest {

    private static final AdamStep.Coefficients ADAM = new AdamStep.Coefficients(0.9f, 0.999f, 0, 1, 1e-3f / 0.1f, 0.0316f, 1e-8f);
    private static final AdamStep.Coefficients ADAM_L2 = new AdamStep.Coefficients(0.8f, 0.99f, 0.01f, 1, 2e-3f, 0.5f, 1e-6f);
    private static final AdamStep.Coefficients ADAMW = new AdamStep.Coefficients(0.9f, 0.999f, 0, 1 - 1e-5f, 1e-3f, 0.9f, 1e-8f);

    @Test
    void theVectorUpdateIsTheScalarOneBitForBitAtEveryLength() {
        assertThat(AdamStep.IMPL).isNotInstanceOf(AdamStep.Scalar.class); // the tests run with the incubator module
        Random r = new Random(5);
        for (AdamStep.Coefficients c : new AdamStep.Coefficients[] {ADAM, ADAM_L2, ADAMW}) {
            for (int n = 1; n <= 80; n++) {
                int from = r.nextInt(3), to = from + n;
                float[] p = new float[to + 2], g = new float[p.length], m = new float[p.length], v = new float[p.length];
                for (int i = 0; i < p.length; i++) {
                    p[i] = (float) r.nextGaussian();
                    g[i] = i % 5 == 0 ? 0 : (float) (r.nextGaussian() * Math.pow(10, -r.nextInt(25)));
                    m[i] = i % 7 == 0 ? 1.5f * MomentFloors.GRADIENT : (float) r.nextGaussian() * 1e-3f;
                    v[i] = i % 3 == 0 ? 1.01f * MomentFloors.SQUARED_GRADIENT : (float) Math.abs(r.nextGaussian()) * 1e-6f;
                }
                float[] sp = p.clone(), sm = m.clone(), sv = v.clone();
                AdamStep.update(p, g, m, v, from, to, c);
                new AdamStep.Scalar().update(sp, g, sm, sv, from, to, c);
                assertBits(p, sp, "p", n, c);
                assertBits(m, sm, "m", n, c);
                assertBits(v, sv, "v", n, c);
            }
        }
    }

    @Test
    void aMomentThatDiesBecomesZeroWithoutPassingThroughSubnormalsAndTheWeightMovesAsWithoutTheFloor() {
        // 64 weights whose gradient is lit for a few steps and then stops, as a rarely lit input pixel's.
        int n = 64, steps = 3000;
        float[] p = new float[n], g = new float[n], m = new float[n], v = new float[n];
        float[] plainP = new float[n], plainM = new float[n], plainV = new float[n];
        Random r = new Random(9);
        for (int i = 0; i < n; i++) p[i] = plainP[i] = (float) r.nextGaussian() * 0.05f;
        for (int t = 0; t < steps; t++) {
            for (int i = 0; i < n; i++) g[i] = t < 3 + i % 5 ? (float) r.nextGaussian() * 1e-2f : 0;
            AdamStep.update(p, g, m, v, 0, n, ADAM);
            plainUpdate(plainP, g, plainM, plainV, ADAM);
            for (int i = 0; i < n; i++) {
                assertThat(m[i] == 0 || Math.abs(m[i]) >= MomentFloors.GRADIENT).as("m[%d] at step %d: %s", i, t, m[i]).isTrue();
                assertThat(v[i] == 0 || v[i] >= Float.MIN_NORMAL).as("v[%d] at step %d: %s", i, t, v[i]).isTrue();
            }
        }
        boolean plainWentSubnormal = false;
        for (int i = 0; i < n; i++) {
            plainWentSubnormal |= plainM[i] != 0 && Math.abs(plainM[i]) < Float.MIN_NORMAL;
            assertThat(m[i]).as("m[%d]", i).isZero();
        }
        assertThat(plainWentSubnormal).as("without the floor the first moments are subnormal by now").isTrue();
        assertBits(p, plainP, "p against the update without floors", n, ADAM);
    }

    /** Adam's update as PyTorch writes it, with no floor under the moments. */
    private static void plainUpdate(float[] p, float[] g, float[] m, float[] v, AdamStep.Coefficients c) {
        for (int i = 0; i < p.length; i++) {
            float gi = g[i] + c.l2() * p[i];
            m[i] = c.beta1() * m[i] + (1 - c.beta1()) * gi;
            v[i] = c.beta2() * v[i] + (1 - c.beta2()) * gi * gi;
            p[i] = p[i] * c.shrink() - c.stepSize() * m[i] / ((float) Math.sqrt(v[i]) / c.sqrtC2() + c.eps());
        }
    }

    private static void assertBits(float[] actual, float[] expected, String what, int n, AdamStep.Coefficients c) {
        for (int i = 0; i < actual.length; i++) {
            assertThat(Float.floatToRawIntBits(actual[i])).as("%s[%d], n=%d, %s: %s vs %s", what, i, n, c, actual[i], expected[i])
                    .isEqualTo(Float.floatToRawIntBits(expected[i]));
        }
    }
}
