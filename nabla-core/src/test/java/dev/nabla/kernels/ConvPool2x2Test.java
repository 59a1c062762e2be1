package dev.nabla.kernels;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The window-by-window kernel of a ReLU convolution and 2x2 max pool against the definition, computed here one
 * window corner at a time: the values bit for bit (each corner the chain of multiply-adds in tap order, from zero,
 * then the bias, the ReLU and the first maximum), the kernel and bias gradients to within rounding of a double sum.
 */
class ConvPool2x2Test {

    /** Images c x h x w, k x k taps with these zeros at the top and left, and how many filters. */
    private record Case(int c, int h, int w, int k, int padTop, int padLeft, int filters) {
        int outH() {
            return padTop > 0 ? h : h - k + 1; // SAME (stride 1) keeps the size
        }

        int outW() {
            return padLeft > 0 ? w : w - k + 1;
        }

        int rows() {
            return c * k * k;
        }
    }

    private static final Case[] CASES = {
        new Case(1, 28, 28, 3, 0, 0, 6),  // W5's first layer (filters 4 + 2: both loops)
        new Case(3, 9, 11, 3, 1, 1, 5),   // RGB, SAME, odd sizes: windows past a vector, padding on both sides
        new Case(1, 13, 7, 5, 2, 2, 4),   // 5x5 taps, SAME
        new Case(2, 7, 8, 2, 0, 0, 3),    // an even kernel
        new Case(1, 5, 5, 3, 0, 0, 9),    // a 3x3 output: one window, the last row and column dropped
    };

    private static float input(float[] x, Case g, int n, int ch, int y, int xc) {
        return y >= 0 && y < g.h && xc >= 0 && xc < g.w ? x[((n * g.c + ch) * g.h + y) * g.w + xc] : 0f;
    }

    /** The convolution at output (oy, ox) of filter f: the multiply-adds in tap order, from zero. */
    private static float convolution(float[] x, float[] kernel, Case g, int n, int f, int oy, int ox) {
        float sum = 0f;
        for (int t = 0; t < g.rows(); t++) {
            int ch = t / (g.k * g.k), ky = t / g.k % g.k, kx = t % g.k;
            sum = Math.fma(kernel[f * g.rows() + t], input(x, g, n, ch, oy + ky - g.padTop, ox + kx - g.padLeft), sum);
        }
        return sum;
    }

    private static float[] gaussians(Random r, int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian() * scale;
        return a;
    }

    @Test
    void theKernelIsLoadedWithTheVectorModuleAndTakesFewTapsOnly() {
        assertThat(ConvPool2x2.IMPL).isNotNull(); // the tests run with the incubator module
        assertThat(ConvPool2x2.plan(1, 28, 28, 3, 0, 0, 26, 26)).isNotNull();
        assertThat(ConvPool2x2.plan(32, 13, 13, 3, 0, 0, 11, 11)).as("288 taps: the GEMM's").isNull();
        assertThat(ConvPool2x2.plan(1, 3, 3, 3, 0, 0, 1, 1)).as("no 2x2 window").isNull();
    }

    @Test
    void eachWindowIsTheMaximumOfItsCornersConvolutionsAfterTheBiasAndTheRelu() {
        Random r = new Random(5);
        for (Case g : CASES) {
            for (boolean withBias : new boolean[] {true, false}) {
                int samples = 3, ph = g.outH() / 2, pw = g.outW() / 2, windows = ph * pw;
                float[] x = gaussians(r, samples * g.c * g.h * g.w, 1f), kernel = gaussians(r, g.filters * g.rows(), 0.5f);
                float[] bias = withBias ? gaussians(r, g.filters, 0.5f) : null;
                ConvPool2x2.Plan plan = ConvPool2x2.plan(g.c, g.h, g.w, g.k, g.padTop, g.padLeft, g.outH(), g.outW());
                // one spare sample on each side: nothing outside the sample's own windows is written
                float[] out = new float[(samples + 2) * g.filters * windows];
                java.util.Arrays.fill(out, -7f);
                byte[] corners = new byte[out.length];
                for (int n = 0; n < samples; n++) {
                    assertThat(ConvPool2x2.forward(plan, x, n, kernel, bias, g.filters, out, (n + 1) * g.filters * windows, corners)).isTrue();
                }
                for (int i = 0; i < g.filters * windows; i++) {
                    assertThat(out[i]).isEqualTo(-7f);
                    assertThat(out[out.length - 1 - i]).isEqualTo(-7f);
                }
                for (int n = 0; n < samples; n++) {
                    for (int f = 0; f < g.filters; f++) {
                        for (int q = 0; q < windows; q++) {
                            int py = q / pw, px = q % pw, o = ((n + 1) * g.filters + f) * windows + q;
                            float max = Float.NEGATIVE_INFINITY;
                            int winner = -1;
                            for (int corner = 0; corner < 4; corner++) {
                                float v = convolution(x, kernel, g, n, f, 2 * py + corner / 2, 2 * px + corner % 2);
                                v = Math.max(v + (bias == null ? 0f : bias[f]), 0f);
                                if (v > max) {
                                    max = v;
                                    winner = corner;
                                }
                            }
                            String at = g + " bias " + withBias + " sample " + n + " filter " + f + " window " + q;
                            assertThat(Float.floatToRawIntBits(out[o])).as(at).isEqualTo(Float.floatToRawIntBits(max));
                            if (max > 0f) assertThat(corners[o]).as(at).isEqualTo((byte) winner); // else no gradient passes
                        }
                    }
                }
            }
        }
    }

    @Test
    void aSampleWithANaNWindowIsLeftToTheCallerUnwritten() {
        Case g = CASES[0];
        float[] x = gaussians(new Random(6), g.h * g.w, 1f), kernel = gaussians(new Random(7), g.filters * g.rows(), 0.5f);
        kernel[3 * g.rows() + 4] = Float.NaN; // filter 3's windows are all NaN
        ConvPool2x2.Plan plan = ConvPool2x2.plan(g.c, g.h, g.w, g.k, 0, 0, g.outH(), g.outW());
        float[] out = new float[g.filters * 169];
        byte[] corners = new byte[out.length];
        assertThat(ConvPool2x2.forward(plan, x, 0, kernel, null, g.filters, out, 0, corners)).isFalse();
        assertThat(out).containsOnly(0f);
    }

    @Test
    void theKernelAndBiasGradientsSumEachWindowsGradientTimesItsWinnersInputs() {
        Random r = new Random(8);
        for (Case g : CASES) {
            int samples = 5, ph = g.outH() / 2, pw = g.outW() / 2, windows = ph * pw, rows = g.rows();
            float[] x = gaussians(r, samples * g.c * g.h * g.w, 1f), kernel = gaussians(r, g.filters * rows, 0.5f);
            float[] bias = gaussians(r, g.filters, 0.5f), dy = gaussians(r, samples * g.filters * windows, 1f);
            ConvPool2x2.Plan plan = ConvPool2x2.plan(g.c, g.h, g.w, g.k, g.padTop, g.padLeft, g.outH(), g.outW());
            float[] out = new float[samples * g.filters * windows];
            byte[] corners = new byte[out.length];
            for (int n = 0; n < samples; n++) ConvPool2x2.forward(plan, x, n, kernel, bias, g.filters, out, n * g.filters * windows, corners);
            // samples 1..4 (a chunk that does not start at 0)
            float[] dk = new float[g.filters * rows];
            double[] db = new double[g.filters];
            java.util.Arrays.fill(dk, Float.NaN); // overwritten
            ConvPool2x2.kernelGradient(plan, x, out, dy, corners, g.filters, 1, samples, dk, db);
            double[] expectedDk = new double[dk.length], expectedDb = new double[g.filters], scale = new double[dk.length];
            for (int n = 1; n < samples; n++) {
                for (int f = 0; f < g.filters; f++) {
                    for (int q = 0; q < windows; q++) {
                        int o = (n * g.filters + f) * windows + q, oy = 2 * (q / pw) + corners[o] / 2, ox = 2 * (q % pw) + corners[o] % 2;
                        double gradient = out[o] == 0f ? 0 : dy[o];
                        expectedDb[f] += gradient;
                        for (int t = 0; t < rows; t++) {
                            int ch = t / (g.k * g.k), ky = t / g.k % g.k, kx = t % g.k;
                            double term = gradient * input(x, g, n, ch, oy + ky - g.padTop, ox + kx - g.padLeft);
                            expectedDk[f * rows + t] += term;
                            scale[f * rows + t] += Math.abs(term);
                        }
                    }
                }
            }
            for (int i = 0; i < dk.length; i++) assertThat((double) dk[i]).as(g + " dk " + i).isCloseTo(expectedDk[i], within(1e-6 * scale[i] + 1e-6));
            for (int f = 0; f < g.filters; f++) assertThat(db[f]).as(g + " db " + f).isCloseTo(expectedDb[f], within(1e-5));
        }
    }

    @Test
    void allFiniteFindsAnInfinityOrNaNAnywhere() {
        float[] x = new float[37];
        assertThat(ConvPool2x2.allFinite(x)).isTrue();
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            for (int at : new int[] {0, 17, 36}) {
                float[] y = x.clone();
                y[at] = bad;
                assertThat(ConvPool2x2.allFinite(y)).as(bad + " at " + at).isFalse();
            }
        }
        assertThat(ConvPool2x2.allFinite(new float[] {Float.MAX_VALUE, -Float.MIN_VALUE, -0f})).isTrue();
    }
}
