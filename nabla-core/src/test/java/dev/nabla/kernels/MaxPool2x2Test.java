package dev.nabla.kernels;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The 2x2 max pool kernel: the vector implementation gives the scalar one's values and corners, and both the general rule. */
class MaxPool2x2Test {

    /** Values drawn from a few, so that windows tie, with signed zeros and, in some planes, NaNs. */
    private static float[] plane(Random r, int size, boolean withNaN) {
        float[] pick = {0f, -0f, 1f, 1f, -2f, 0.5f, 3f};
        float[] x = new float[size];
        for (int i = 0; i < size; i++) x[i] = withNaN && r.nextInt(40) == 0 ? Float.NaN : r.nextBoolean() ? pick[r.nextInt(pick.length)] : (float) r.nextGaussian();
        return x;
    }

    /** The first maximum in row-major order, a NaN beating every number and the last NaN winning: PyTorch's rule. */
    private static int generalWinner(float[] in, int i, int w) {
        int[] at = {i, i + 1, i + w, i + w + 1};
        int best = 0;
        for (int q = 1; q < 4; q++) if (in[at[q]] > in[at[best]] || in[at[q]] != in[at[q]]) best = q;
        return best;
    }

    @Test
    void theVectorPoolGivesTheScalarValuesAndCornersAndBothFollowTheGeneralRule() {
        assertThat(MaxPool2x2.IMPL).isNotInstanceOf(MaxPool2x2.Scalar.class); // the tests run with the incubator module
        Random r = new Random(11);
        for (int outH = 1; outH <= 6; outH++) {
            for (int outW = 1; outW <= 20; outW++) {
                for (int extra = 0; extra <= 1; extra++) {
                    int w = 2 * outW + extra, src = 3, dst = 2;
                    float[] in = plane(r, src + 2 * outH * w + extra * w, (outW + outH) % 3 == 0);
                    MaxPool2x2.Plan plan = new MaxPool2x2.Plan(w, outH, outW);
                    float[] out = new float[dst + plan.windows()], scalarOut = out.clone();
                    byte[] corners = new byte[out.length], scalarCorners = corners.clone();
                    MaxPool2x2.forward(plan, in, src, out, dst, corners);
                    new MaxPool2x2.Scalar().forward(plan, in, src, scalarOut, dst, scalarCorners);
                    float[] valuesOnly = new float[out.length];
                    MaxPool2x2.forward(plan, in, src, valuesOnly, dst, null);
                    for (int k = 0; k < plan.windows(); k++) {
                        int i = src + 2 * (k / outW) * w + 2 * (k % outW), q = generalWinner(in, i, w);
                        String at = String.format("%dx%d windows, width %d, window %d", outH, outW, w, k);
                        assertThat(Float.floatToRawIntBits(out[dst + k])).as(at).isEqualTo(Float.floatToRawIntBits(scalarOut[dst + k]));
                        assertThat(Float.floatToRawIntBits(valuesOnly[dst + k])).as(at).isEqualTo(Float.floatToRawIntBits(out[dst + k]));
                        assertThat(corners[dst + k]).as(at).isEqualTo(scalarCorners[dst + k]);
                        float winner = in[i + (q >> 1) * w + (q & 1)];
                        if (winner == 0f) { // the general rule's first maximum; the kernel's +0 beats -0
                            assertThat(out[dst + k]).as(at).isEqualTo(0f);
                        } else {
                            assertThat(corners[dst + k]).as(at).isEqualTo((byte) q);
                            assertThat(Float.floatToRawIntBits(out[dst + k])).as(at).isEqualTo(Float.floatToRawIntBits(winner));
                        }
                        assertThat(MaxPool2x2.corner(in, i, w)).as(at).isEqualTo(corners[dst + k]);
                    }
                }
            }
        }
    }

    /** W5's second pool (11x11 planes, 5x5 windows) and others: a plan over all planes gives each plane's own pool. */
    @Test
    void aPlanOfSeveralPlanesGivesThePoolOfEachPlane() {
        Random r = new Random(12);
        int[][] shapes = {{11, 5, 5}, {9, 4, 4}, {12, 6, 6}, {7, 1, 3}};
        for (int[] shape : shapes) {
            for (boolean withNaN : new boolean[] {false, true}) {
                int w = shape[0], outH = shape[1], outW = shape[2], planes = 7, plane = w * w + 2, src = 1, dst = 3;
                float[] in = plane(r, src + planes * plane, withNaN);
                MaxPool2x2.Plan all = new MaxPool2x2.Plan(w, outH, outW, planes, plane), one = new MaxPool2x2.Plan(w, outH, outW);
                assertThat(all.windows()).isEqualTo(planes * one.windows());
                float[] out = new float[dst + all.windows()], each = out.clone();
                byte[] corners = new byte[out.length], eachCorners = corners.clone();
                MaxPool2x2.forward(all, in, src, out, dst, corners);
                for (int p = 0; p < planes; p++) MaxPool2x2.forward(one, in, src + p * plane, each, dst + p * one.windows(), eachCorners);
                String at = w + "x" + w + " planes, " + outH + "x" + outW + " windows" + (withNaN ? ", NaNs" : "");
                assertThat(out).as(at).isEqualTo(each);
                assertThat(corners).as(at).isEqualTo(eachCorners);
            }
        }
    }

    @Test
    void windowsThatDoNotFitTheRowsAreRefused() {
        assertThatThrownBy(() -> new MaxPool2x2.Plan(5, 2, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxPool2x2: 2x3 windows do not fit rows of width 5");
    }
}
