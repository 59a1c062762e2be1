package dev.nabla.kernels;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The layer-norm kernel: the vector rows agree with the scalar ones (sums in double) to float rounding, at every width. */
class LayerNormTest {

    @Test
    void theVectorRowsAgreeWithTheScalarOnesAtEveryWidth() {
        assertThat(LayerNorm.IMPL).isNotInstanceOf(LayerNorm.Scalar.class); // the tests run with the incubator module
        Random r = new Random(8);
        LayerNorm.Scalar scalar = new LayerNorm.Scalar();
        for (int d = 1; d <= 100; d += d < 40 ? 1 : 13) {
            int rows = 1 + r.nextInt(40);
            float[] x = new float[rows * d], dy = new float[x.length], gamma = new float[d], beta = new float[d];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (r.nextGaussian() * 3 + 5 * (i / d % 3));
                dy[i] = (float) r.nextGaussian();
            }
            for (int j = 0; j < d; j++) {
                gamma[j] = (float) r.nextGaussian();
                beta[j] = (float) r.nextGaussian();
            }
            float[] xhat = new float[x.length], y = new float[x.length], rstd = new float[rows];
            float[] sXhat = new float[x.length], sY = new float[x.length], sRstd = new float[rows];
            LayerNorm.forward(x, gamma, beta, 1e-5f, xhat, y, rstd);
            scalar.forward(x, gamma, beta, 1e-5f, d, sXhat, sY, sRstd, 0, rows);
            assertClose(rstd, sRstd, "rstd", d);
            assertClose(xhat, sXhat, "xhat", d);
            assertClose(y, sY, "y", d);
            float[] dx = new float[x.length], sDx = new float[x.length];
            LayerNorm.inputGradient(dy, gamma, sXhat, sRstd, dx);
            scalar.inputGradient(dy, gamma, sXhat, sRstd, d, sDx, 0, rows);
            assertClose(dx, sDx, "dx", d);
        }
    }

    /** Within 1e-5 of the row's scale: the two sum a row in different orders. */
    private static void assertClose(float[] a, float[] b, String what, int d) {
        double scale = 0;
        for (float v : b) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < a.length; i++) {
            assertThat((double) Math.abs(a[i] - b[i])).as("%s at %d, d=%d: %s vs %s", what, i, d, a[i], b[i]).isLessThanOrEqualTo(1e-5 * scale + 1e-6);
        }
    }
}
