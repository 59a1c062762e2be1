package dev.nabla.train;

import dev.nabla.nn.Dense;
import dev.nabla.nn.losses.Losses;
import dev.nabla.optim.Optimizers;
import dev.nabla.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SampleWeightsTest {

    private static Sequential classifier(double lr) {
        Sequential model = Sequential.of(Dense.of(3));
        model.seed(7);
        model.compile(Optimizers.sgd(lr), Losses.sparseCategoricalCrossentropy(true));
        model.buildFor(new int[] {1, 2});
        return model;
    }

    /**
     * A weight of 2 on a row is that row given twice: the full-batch loss mean(w * l) over 3 rows is 4/3 of the mean
     * over the 4 rows with the row repeated, so SGD at rate r on the weighted rows moves as SGD at 4r/3 on the repeated ones.
     */
    @Test
    void aRowOfWeightTwoTrainsAsTheRowGivenTwice() {
        Tensor x = Tensor.of(new float[] {1, 2, -1, 0.5f, 0.3f, -2}, 3, 2), y = Tensor.of(new float[] {0, 1, 2}, 3);
        Tensor repeatedX = Tensor.of(new float[] {1, 2, 1, 2, -1, 0.5f, 0.3f, -2}, 4, 2), repeatedY = Tensor.of(new float[] {0, 0, 1, 2}, 4);
        Sequential weighted = classifier(0.3), repeated = classifier(0.4);
        weighted.fit(x, y, FitOptions.epochs(5).batchSize(FitOptions.FULL_BATCH).shuffle(false).sampleWeights(Tensor.of(new float[] {2, 1, 1}, 3)));
        repeated.fit(repeatedX, repeatedY, FitOptions.epochs(5).batchSize(FitOptions.FULL_BATCH).shuffle(false));
        List<Tensor> a = weighted.getWeights(), b = repeated.getWeights();
        for (int i = 0; i < a.size(); i++) assertThat(a.get(i).data()).containsExactly(b.get(i).data(), within(1e-5f));
        Tensor unweighted = classifier(0.3).getWeights().get(0);
        assertThat(a.get(0).data()).isNotEqualTo(unweighted.data()); // training moved the weights
    }

    @Test
    void weightsFollowTheirRowsWhenShuffledInBatches() {
        // Rows of weight 0 teach nothing, so their targets do not matter: two shuffled fits that differ only there end
        // alike. Weights cut in another order than their rows would give the changed targets a weight.
        Tensor x = Tensor.of(new float[] {1, 2, -1, 0.5f, 0.3f, -2, 2, 2}, 4, 2);
        Tensor y1 = Tensor.of(new float[] {0, 1, 2, 1}, 4), y2 = Tensor.of(new float[] {0, 2, 2, 0}, 4);
        Tensor w = Tensor.of(new float[] {1, 0, 1, 0}, 4);
        Sequential a = classifier(0.1), b = classifier(0.1);
        a.fit(x, y1, FitOptions.epochs(3).batchSize(2).seed(3).sampleWeights(w));
        b.fit(x, y2, FitOptions.epochs(3).batchSize(2).seed(3).sampleWeights(w));
        assertThat(a.getWeights().get(0).data()).containsExactly(b.getWeights().get(0).data());
    }

    /** compute_class_weight("balanced", classes=[0, 1, 2], y=[0, 0, 0, 1, 2, 2]) in scikit-learn 1.9.1: [0.6667, 2, 1]. */
    @Test
    void balancedClassWeightsAreScikitLearns() {
        Map<Integer, Double> w = SampleWeights.balancedClassWeights(Tensor.of(new float[] {0, 0, 0, 1, 2, 2}, 6));
        assertThat(w.get(0)).isCloseTo(0.6666667, within(1e-6));
        assertThat(w.get(1)).isEqualTo(2.0);
        assertThat(w.get(2)).isEqualTo(1.0);
        assertThat(SampleWeights.ofClasses(Tensor.of(new float[] {1, 0, 2}, 3), Map.of(1, 5.0)).data()).containsExactly(5, 1, 1);
    }

    @Test
    void badWeightsAreRefused() {
        Tensor x = Tensor.zeros(3, 2), y = Tensor.zeros(3);
        assertThatThrownBy(() -> classifier(0.1).fit(x, y, FitOptions.epochs(1).sampleWeights(Tensor.of(new float[] {1, 1}, 2))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageEndingWith("sample weights [2] must be one per sample, [3]");
        assertThatThrownBy(() -> classifier(0.1).fit(x, y, FitOptions.epochs(1).sampleWeights(Tensor.of(new float[] {1, -1, 1}, 3))))
                .hasMessageEndingWith("sample weight -1.0 at row 1 must be finite and not negative");
    }

    @Test
    void theValidationSplitHoldsOutTheWeightsWithTheirRows() {
        Tensor x = Tensor.of(new float[] {1, 2, -1, 0.5f, 0.3f, -2, 2, 2, 0, 1}, 5, 2), y = Tensor.of(new float[] {0, 1, 2, 1, 0}, 5);
        Sequential a = classifier(0.1), b = classifier(0.1);
        a.fit(x, y, FitOptions.epochs(2).batchSize(FitOptions.FULL_BATCH).shuffle(false).validationSplit(0.4)
                .sampleWeights(Tensor.of(new float[] {1, 1, 1, 9, 9}, 5)));
        b.fit(x.slice(0, 0, 3).detach(), y.slice(0, 0, 3).detach(), FitOptions.epochs(2).batchSize(FitOptions.FULL_BATCH).shuffle(false));
        assertThat(a.getWeights().get(0).data()).containsExactly(b.getWeights().get(0).data(), within(1e-6f));
    }

    @Test
    void aBatchSourceCarriesItsWeightsInItsBatches() {
        Tensor x = Tensor.of(new float[] {1, 2, -1, 0.5f, 0.3f, -2}, 3, 2), y = Tensor.of(new float[] {0, 1, 2}, 3), w = Tensor.of(new float[] {2, 1, 0.5f}, 3);
        Sequential fromOptions = classifier(0.2), fromBatches = classifier(0.2);
        fromOptions.fit(x, y, FitOptions.epochs(3).batchSize(FitOptions.FULL_BATCH).shuffle(false).sampleWeights(w));
        fromBatches.fit(epoch -> dev.nabla.data.Batches.ofRows(3, -1, false, 0, rows -> new dev.nabla.data.Batch(x, y, w)).batches(epoch), FitOptions.epochs(3));
        assertThat(fromBatches.getWeights().get(0).data()).containsExactly(fromOptions.getWeights().get(0).data());
        assertThatThrownBy(() -> classifier(0.1).fit(epoch -> dev.nabla.data.Batches.ofRows(3, -1, false, 0, rows -> new dev.nabla.data.Batch(x, y)).batches(epoch),
                FitOptions.epochs(1).sampleWeights(w))).hasMessageContaining("a stream's weights come with its batches");
    }
}
