package dev.nabla.nn.losses;

import dev.nabla.nn.Loss;
import dev.nabla.tensor.Tensor;
import dev.nabla.testing.DArray;
import dev.nabla.testing.GradCheck;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LossesTest {

    @Test
    void configsRoundTrip() {
        for (Loss l : List.of(Losses.mse(Reduction.SUM), Losses.mae(), Losses.huber(0.5), Losses.binaryCrossentropy(true),
                Losses.categoricalCrossentropy(false, Reduction.NONE), Losses.sparseCategoricalCrossentropy(true))) {
            assertThat(Losses.fromConfig(l.config()).config()).isEqualTo(l.config());
        }
    }

    @Test
    void reductionsAndStability() {
        Tensor t = Tensor.of(new float[][] {{1}, {3}}), p = Tensor.of(new float[][] {{2}, {1}});
        assertThat(Losses.mse(Reduction.NONE).apply(t, p).data()).containsExactly(1, 4);
        assertThat(Losses.mse(Reduction.SUM).apply(t, p).item()).isEqualTo(5f);
        // Huge logits stay finite.
        Tensor logits = Tensor.of(new float[][] {{1000, -1000, 0}});
        assertThat(Losses.sparseCategoricalCrossentropy(true).apply(Tensor.vector(1), logits).item()).isEqualTo(2000f);
        assertThat(Losses.binaryCrossentropy(true).apply(Tensor.vector(0), Tensor.of(new float[][] {{500}})).item()).isEqualTo(500f);
        // Probabilities of exactly 0 are clipped, not log(0).
        assertThat(Losses.binaryCrossentropy(false).apply(Tensor.vector(1), Tensor.of(new float[][] {{0}})).item()).isFinite();
    }

    @Test
    void badTargetsAreNamed() {
        assertThatThrownBy(() -> Losses.mse().apply(Tensor.zeros(3, 2), Tensor.zeros(3, 4)))
                .hasMessage("mean_squared_error: targets [3, 2] and predictions [3, 4] differ in shape");
        assertThatThrownBy(() -> Losses.sparseCategoricalCrossentropy(true).apply(Tensor.vector(0, 5), Tensor.zeros(2, 3)))
                .hasMessageContaining("target 5.0 at row 1 is not a class index in [0, 3)");
    }

    /** Row i's cross-entropy in double: -sum_j w_ij log q_ij, q the softmax of logits or the clipped probabilities. */
    private static double[] crossEntropyRows(DArray p, DArray w, boolean fromLogits) {
        int n = p.shape()[0], c = p.shape()[1];
        double[] rows = new double[n];
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int j = 0; j < c; j++) max = Math.max(max, p.at(i, j));
            for (int j = 0; j < c; j++) sum += Math.exp(p.at(i, j) - max);
            for (int j = 0; j < c; j++) {
                double logq = fromLogits ? p.at(i, j) - max - Math.log(sum)
                        : Math.log(Math.min(1 - Losses.EPSILON, Math.max(Losses.EPSILON, p.at(i, j))));
                rows[i] -= w.at(i, j) * logq;
            }
        }
        return rows;
    }

    private static DArray reduced(double[] rows, Reduction r) {
        double total = 0;
        for (double v : rows) total += v;
        switch (r) {
            case MEAN: return DArray.scalar(total / rows.length);
            case SUM: return DArray.scalar(total);
            default: return DArray.of(rows, rows.length);
        }
    }

    @Test
    void crossEntropiesAsOneOpMatchADoublePrecisionReferenceAndItsGradients() {
        dev.nabla.tensor.Rng rng = new dev.nabla.tensor.Rng(5);
        int n = 5, c = 4;
        double[] logits = new double[n * c], probs = new double[n * c], soft = new double[n * c], oneHot = new double[n * c];
        double[] classes = {2, 0, 3, 3, 1};
        for (int i = 0; i < n; i++) {
            double rowSum = 0;
            for (int j = 0; j < c; j++) {
                logits[i * c + j] = 3 * rng.nextGaussian();
                probs[i * c + j] = 0.05 + 0.9 * rng.nextFloat();
                soft[i * c + j] = rng.nextFloat();
                rowSum += soft[i * c + j];
            }
            for (int j = 0; j < c; j++) soft[i * c + j] /= rowSum;
            oneHot[i * c + (int) classes[i]] = 1;
        }
        probs[1] = -0.01; // below the clipping range (also after the finite-difference step): no gradient flows
        DArray z = DArray.of(logits, n, c), p = DArray.of(probs, n, c), t = DArray.of(soft, n, c), index = DArray.of(classes, n);
        DArray hot = DArray.of(oneHot, n, c);
        for (Reduction r : Reduction.values()) {
            for (boolean fromLogits : new boolean[] {true, false}) {
                DArray pred = fromLogits ? z : p;
                Loss sparse = Losses.sparseCategoricalCrossentropy(fromLogits, r);
                GradCheck.check(in -> sparse.apply(index.toTensor(), in[0]),
                        in -> reduced(crossEntropyRows(in[0], hot, fromLogits), r), pred).assertPassed();
                Loss dense = Losses.categoricalCrossentropy(fromLogits, r);
                GradCheck.check(in -> dense.apply(in[1], in[0]),
                        in -> reduced(crossEntropyRows(in[0], in[1], fromLogits), r), pred, t).assertPassed();
            }
        }
    }
}
