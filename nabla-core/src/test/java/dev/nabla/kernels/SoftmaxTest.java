package dev.nabla.kernels;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Attention's softmax and its gradient: the vector form bit for bit against the scalar one, both against double. */
class SoftmaxTest {

    /** Rows shorter than a vector, exactly one AVX-512 vector (W7), and whole vectors plus a tail. */
    private static final int[] COLS = {1, 5, 16, 21, 37};

    @Test
    void theVectorFormIsTheVectorImplementation() {
        assertThat(Softmax.IMPL.getClass().getSimpleName()).isEqualTo("VectorSoftmax");
    }

    @Test
    void rowsAreTheScalarBitsAndTheMaskedSoftmaxInDouble() {
        Random r = new Random(11);
        for (int cols : COLS) {
            for (boolean causal : new boolean[] {false, true}) {
                for (int masking = 0; masking < 3; masking++) {
                    int rows = 7, off = 3;
                    float[] s = new float[off + rows * cols];
                    for (int i = off; i < s.length; i++) s[i] = (float) (4 * r.nextGaussian());
                    float[] mask = null;
                    if (masking > 0) {
                        mask = new float[2 + cols];
                        for (int j = 0; j < cols; j++) mask[2 + j] = masking == 2 ? 0f : r.nextInt(3) == 0 ? 0f : 1f;
                    }
                    String at = "cols " + cols + (causal ? " causal" : "") + " masking " + masking;
                    float[] vector = s.clone(), scalar = s.clone();
                    Softmax.IMPL.rows(vector, off, rows, cols, mask, 2, causal);
                    new Softmax.Scalar().rows(scalar, off, rows, cols, mask, 2, causal);
                    assertThat(vector).as(at).isEqualTo(scalar);
                    for (int i = 0; i < rows; i++) {
                        double[] expected = softmax(s, off + i * cols, cols, mask, causal ? i + 1 : cols);
                        for (int j = 0; j < cols; j++) {
                            assertThat((double) vector[off + i * cols + j]).as(at + " row " + i + " key " + j).isCloseTo(expected[j], within(1e-6));
                        }
                    }
                }
            }
        }
    }

    @Test
    void aNanScoreFillsItsRowWithNanAndAnInfiniteScoreGivesTheScalarBits() {
        for (int cols : COLS) {
            float[] vector = new float[2 * cols];
            vector[cols - 1] = Float.NaN;
            vector[cols] = Float.POSITIVE_INFINITY;
            float[] scalar = vector.clone();
            Softmax.IMPL.rows(vector, 0, 2, cols, null, 0, false);
            new Softmax.Scalar().rows(scalar, 0, 2, cols, null, 0, false);
            assertThat(vector).as("cols " + cols).isEqualTo(scalar);
            for (int j = 0; j < cols; j++) assertThat(vector[j]).as("cols " + cols + " key " + j).isNaN();
        }
    }

    @Test
    void theScoreGradientIsTheScalarBitsAndTheSoftmaxRuleInDouble() {
        Random r = new Random(12);
        for (int cols : COLS) {
            int rows = 6;
            float[] p = new float[1 + rows * cols], dp = new float[4 + rows * cols];
            for (int i = 0; i < p.length; i++) p[i] = r.nextFloat();
            for (int i = 0; i < dp.length; i++) dp[i] = (float) r.nextGaussian();
            float[] vector = dp.clone(), scalar = dp.clone();
            Softmax.IMPL.scoreGradient(p, 1, vector, 4, rows, cols);
            new Softmax.Scalar().scoreGradient(p, 1, scalar, 4, rows, cols);
            assertThat(vector).as("cols " + cols).isEqualTo(scalar);
            for (int i = 0; i < rows; i++) {
                double dot = 0;
                for (int j = 0; j < cols; j++) dot += (double) dp[4 + i * cols + j] * p[1 + i * cols + j];
                for (int j = 0; j < cols; j++) {
                    double expected = p[1 + i * cols + j] * (dp[4 + i * cols + j] - dot);
                    assertThat((double) vector[4 + i * cols + j]).as("cols " + cols + " row " + i + " key " + j).isCloseTo(expected, within(1e-5));
                }
            }
        }
    }

    /** The softmax over the kept keys below limit, in double; 0 elsewhere and for a row with none kept. */
    private static double[] softmax(float[] s, int row, int cols, float[] mask, int limit) {
        double[] out = new double[cols];
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (int j = 0; j < Math.min(cols, limit); j++) if (mask == null || mask[2 + j] != 0) max = Math.max(max, s[row + j]);
        if (max == Double.NEGATIVE_INFINITY) return out;
        for (int j = 0; j < Math.min(cols, limit); j++) {
            if (mask == null || mask[2 + j] != 0) sum += out[j] = Math.exp(s[row + j] - max);
        }
        for (int j = 0; j < cols; j++) out[j] /= sum;
        return out;
    }
}
