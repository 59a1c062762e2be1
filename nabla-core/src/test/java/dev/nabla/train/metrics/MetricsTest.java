package dev.nabla.train.metrics;

import dev.nabla.nn.losses.Losses;
import dev.nabla.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class MetricsTest {

    private static double run(Metric m, Tensor yTrue, Tensor yPred) {
        m.reset();
        m.update(yTrue, yPred);
        return m.result();
    }

    private final Tensor scores = Tensor.of(new float[][] {{0.1f, 0.7f, 0.2f}, {0.5f, 0.3f, 0.2f}, {0.2f, 0.3f, 0.5f}, {0.3f, 0.4f, 0.3f}});
    private final Tensor labels = Tensor.vector(1, 0, 1, 2);

    @Test
    void accuracyIsResolvedFromTheLoss() {
        assertThat(run(Metrics.resolve(Metrics.accuracy(), Losses.sparseCategoricalCrossentropy(false)), labels, scores)).isEqualTo(0.5);
        Tensor oneHot = Tensor.of(new float[][] {{0, 1, 0}, {1, 0, 0}, {0, 1, 0}, {0, 0, 1}});
        assertThat(run(Metrics.resolve(Metrics.accuracy(), Losses.categoricalCrossentropy(true)), oneHot, scores)).isEqualTo(0.5);
        Metric binaryLogits = Metrics.resolve(Metrics.accuracy(), Losses.binaryCrossentropy(true));
        assertThat(run(binaryLogits, Tensor.vector(1, 0, 1), Tensor.vector(0.3f, -2f, -0.1f))).isCloseTo(2 / 3.0, within(1e-12));
        assertThatThrownBy(() -> Metrics.resolve(Metrics.accuracy(), Losses.mse())).hasMessageContaining("mean_squared_error");
    }

    @Test
    void topKCountsTheTargetAmongTheBestK() {
        assertThat(run(Metrics.topKAccuracy(1), labels, scores)).isEqualTo(0.5);
        assertThat(run(Metrics.topKAccuracy(2), labels, scores)).isEqualTo(0.75);
        assertThat(run(Metrics.topKAccuracy(3), labels, scores)).isEqualTo(1.0);
    }

    @Test
    void precisionRecallAndF1() {
        Tensor t = Tensor.vector(1, 1, 0, 0, 1), p = Tensor.vector(0.9f, 0.2f, 0.8f, 0.1f, 0.7f); // tp 2, fp 1, fn 1
        assertThat(run(Metrics.precision(), t, p)).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(run(Metrics.recall(), t, p)).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(run(Metrics.f1(), t, p)).isCloseTo(2 / 3.0, within(1e-12));
        // Multi-class, macro: predictions 1, 0, 2, 1 against 1, 0, 1, 2. Class 0: P 1 R 1; class 1: P 1/2 R 1/2; class 2: P 0 R 0.
        assertThat(run(Metrics.precision(), labels, scores)).isCloseTo(0.5, within(1e-12));
        assertThat(run(Metrics.recall(), labels, scores)).isCloseTo(0.5, within(1e-12));
    }

    @Test
    void regressionMetricsAccumulateOverBatches() {
        Metric mae = Metrics.mae(), mse = Metrics.mse(), r2 = Metrics.r2();
        for (Metric m : new Metric[] {mae, mse, r2}) {
            m.reset();
            m.update(Tensor.vector(1, 2), Tensor.vector(1.5f, 2));
            m.update(Tensor.vector(3, 4), Tensor.vector(3, 3));
        }
        assertThat(mae.result()).isCloseTo(0.375, within(1e-9));
        assertThat(mse.result()).isCloseTo(0.3125, within(1e-9));
        assertThat(r2.result()).isCloseTo(1 - 1.25 / 5.0, within(1e-9));
    }

    @Test
    void confusionMatrixCountsPairs() {
        ConfusionMatrix cm = ConfusionMatrix.of(labels, scores, 3);
        assertThat(cm.get(1, 1)).isEqualTo(1);
        assertThat(cm.get(1, 2)).isEqualTo(1);
        assertThat(cm.get(2, 1)).isEqualTo(1);
        assertThat(cm.get(0, 0)).isEqualTo(1);
        assertThat(cm.toString()).contains("true").contains("pred");
        assertThatThrownBy(() -> ConfusionMatrix.of(Tensor.vector(5), Tensor.vector(0), 3)).hasMessageContaining("outside [0, 3)");
    }
}
