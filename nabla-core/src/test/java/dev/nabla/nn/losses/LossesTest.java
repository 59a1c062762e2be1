package dev.nabla.nn.losses;

import dev.nabla.nn.Loss;
import dev.nabla.tensor.Tensor;
import dev.nabla.testing.DArray;
import dev.nabla.testing.GradCheck;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

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
                // One-hot targets: log q of the zero-weight entries is not needed for the loss, only for dL/dt.
                GradCheck.check(in -> dense.apply(in[1], in[0]),
                        in -> reduced(crossEntropyRows(in[0], in[1], fromLogits), r), pred, hot).assertPassed();
            }
        }
    }

    /** Logits at 0 (a zero-initialised output layer), ±20 and ±100, with targets 0, 1 and a soft 0.25. */
    private static final float[] BCE_LOGITS = {0, 0, 20, -20, 100, -100, 20, -100, 0};
    private static final float[] BCE_TARGETS = {0, 1, 0, 1, 1, 0, 1, 1, 0.25f};

    /**
     * The values were computed with PyTorch 2.13 in float64:
     * <pre>
     * z = torch.tensor([[0.],[0.],[20.],[-20.],[100.],[-100.],[20.],[-100.],[0.]], dtype=torch.float64, requires_grad=True)
     * t = torch.tensor([[0.],[1.],[0.],[1.],[1.],[0.],[1.],[1.],[0.25]], dtype=torch.float64)
     * for red in ['mean', 'sum', 'none']:
     *     z.grad = None; l = torch.nn.BCEWithLogitsLoss(reduction=red)(z, t); l.sum().backward(); print(l, z.grad)
     * </pre>
     */
    @Test
    void binaryCrossentropyFromLogitsMatchesPyTorchAtZeroAndAtLargeLogits() {
        double[] meanGrad = {0.05555555555555555, -0.05555555555555555, 0.11111111088209404, -0.11111111088209405, 0.0,
                4.1334177511342615e-45, -2.2901707690752776e-10, -0.1111111111111111, 0.027777777777777776};
        double[] sumGrad = {0.5, -0.5, 0.9999999979388463, -0.9999999979388464, 0.0, 3.7200759760208356e-44,
                -2.06115369216775e-09, -1.0, 0.25};
        double[] perSample = {0.6931471805599453, 0.6931471805599453, 20.000000002061153, 20.000000002061153,
                3.720075976020836e-44, 0.0, 2.061153620314381e-09, 100.0, 0.6931471805599453};
        assertBce(Reduction.MEAN, new double[] {15.786604616429255}, meanGrad);
        assertBce(Reduction.SUM, new double[] {142.0794415478633}, sumGrad);
        assertBce(Reduction.NONE, perSample, sumGrad); // the gradient of the per-sample values' sum
    }

    private static void assertBce(Reduction r, double[] value, double[] grad) {
        int n = BCE_LOGITS.length;
        Tensor z = Tensor.of(BCE_LOGITS.clone(), n, 1).requiresGrad(true);
        Tensor loss = Losses.binaryCrossentropy(true, r).apply(Tensor.of(BCE_TARGETS.clone(), n, 1), z);
        float[] v = loss.data();
        assertThat(v).as(r + " value").hasSize(value.length);
        for (int i = 0; i < v.length; i++) assertThat((double) v[i]).as(r + " value " + i).isCloseTo(value[i], within(1e-5 * Math.max(1, value[i])));
        loss.sum().backward();
        float[] g = z.grad().data();
        for (int i = 0; i < n; i++) assertThat((double) g[i]).as(r + " gradient at logit " + BCE_LOGITS[i]).isCloseTo(grad[i], within(1e-7));
    }

    /** -(t log s(z) + (1 - t) log(1 - s(z))) in double, per element, then the mean of each row and the batch mean. */
    private static DArray bceReference(DArray z, DArray t) {
        DArray elementwise = DArray.zip(z, t, (x, y) -> Math.max(x, 0) - x * y + Math.log1p(Math.exp(-Math.abs(x))));
        return elementwise.mean(new int[] {1}, false).mean(new int[] {0}, false);
    }

    @Test
    void binaryCrossentropyFromLogitsHasTheSmoothGradientEverywhereIncludingZero() {
        DArray z = DArray.of(new double[] {0, 0.7, -1.3, 0, 20, -20, 3.5, 0}, 4, 2);
        DArray t = DArray.of(new double[] {1, 0, 0.3, 0, 1, 1, 0, 0.5}, 4, 2);
        Loss bce = Losses.binaryCrossentropy(true);
        GradCheck.check(in -> bce.apply(in[1], in[0]), in -> bceReference(in[0], in[1]), z, t).assertPassed();
    }

    @Test
    void binaryCrossentropyFromLogitsAsOneOpEqualsItsComposedTwinAwayFromZero() {
        dev.nabla.tensor.Rng rng = new dev.nabla.tensor.Rng(11);
        float[] logits = new float[24], targets = new float[24];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) (4 * rng.nextGaussian());
            if (Math.abs(logits[i]) < 1e-3f) logits[i] = 0.5f;
            targets[i] = rng.nextFloat();
        }
        Tensor z1 = Tensor.of(logits.clone(), 6, 4).requiresGrad(true), t1 = Tensor.of(targets.clone(), 6, 4).requiresGrad(true);
        Tensor z2 = Tensor.of(logits.clone(), 6, 4).requiresGrad(true), t2 = Tensor.of(targets.clone(), 6, 4).requiresGrad(true);
        Tensor fused = Losses.binaryCrossentropy(true, Reduction.NONE).apply(t1, z1);
        // max(z, 0) - z t + log(1 + e^-|z|), averaged over each row: the composed form.
        Tensor composed = z2.relu().sub(z2.mul(t2)).add(z2.abs().neg().exp().add(1f).log()).mean(1);
        assertThat(fused.data()).containsExactly(composed.data(), org.assertj.core.data.Offset.offset(1e-6f));
        Tensor seed = Tensor.of(new float[] {1, -2, 0.5f, 3, -1, 2}, 6);
        fused.backward(seed);
        composed.backward(seed);
        assertThat(z1.grad().data()).containsExactly(z2.grad().data(), org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(t1.grad().data()).containsExactly(t2.grad().data(), org.assertj.core.data.Offset.offset(1e-6f));
    }
}
