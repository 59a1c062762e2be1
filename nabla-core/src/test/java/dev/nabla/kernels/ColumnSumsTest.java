package dev.nabla.kernels;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Column sums added into a vector: the same bits as the plain row-by-row loop, at widths with and without a tail, and
 * in blocks large enough to be split across threads.
 */
class ColumnSumsTest {

    @Test
    void theColumnSumsAreThePlainLoopsBitForBitAtEveryWidth() {
        assertThat(ColumnSums.IMPL).isNotInstanceOf(ColumnSums.Scalar.class); // the tests run with the incubator module
        Random r = new Random(2);
        for (int cols = 1; cols <= 74; cols++) {
            // the widest also in blocks large enough to be split by columns across threads
            int rows = cols > 70 ? 2048 + r.nextInt(300) : 1 + r.nextInt(300), off = 5, outOff = 3;
            float[] m = new float[off + rows * cols];
            for (int i = 0; i < m.length; i++) m[i] = (float) r.nextGaussian() * (1 + i % 9);
            float[] out = new float[outOff + cols + 2], plain = new float[out.length];
            for (int j = 0; j < out.length; j++) out[j] = plain[j] = (float) r.nextGaussian();
            ColumnSums.addInto(m, off, rows, cols, out, outOff);
            for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) plain[outOff + j] += m[off + i * cols + j];
            for (int j = 0; j < out.length; j++) {
                assertThat(Float.floatToRawIntBits(out[j])).as("cols=%d rows=%d at %d: %s vs %s", cols, rows, j, out[j], plain[j])
                        .isEqualTo(Float.floatToRawIntBits(plain[j]));
            }
        }
    }

    @Test
    void theColumnSumsOfProductsAreThePlainLoopsBitForBitAtEveryWidth() {
        Random r = new Random(3);
        for (int cols = 1; cols <= 74; cols++) {
            int rows = cols > 70 ? 2048 + r.nextInt(300) : 1 + r.nextInt(300);
            float[] a = new float[rows * cols], b = new float[a.length];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) r.nextGaussian();
                b[i] = (float) r.nextGaussian() * (1 + i % 5);
            }
            float[] out = new float[cols], plain = new float[cols];
            for (int j = 0; j < cols; j++) out[j] = plain[j] = (float) r.nextGaussian();
            ColumnSums.addProductsInto(a, b, rows, cols, out);
            for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) plain[j] += a[i * cols + j] * b[i * cols + j];
            for (int j = 0; j < cols; j++) {
                assertThat(Float.floatToRawIntBits(out[j])).as("cols=%d rows=%d at %d: %s vs %s", cols, rows, j, out[j], plain[j])
                        .isEqualTo(Float.floatToRawIntBits(plain[j]));
            }
        }
    }
}
