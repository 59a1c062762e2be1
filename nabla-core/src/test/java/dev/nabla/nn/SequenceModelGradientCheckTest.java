package dev.nabla.nn;

import dev.nabla.explain.GradientCheck;
import dev.nabla.nn.losses.Losses;
import dev.nabla.tensor.Tensor;
import dev.nabla.train.Sequential;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The gradient checker (finite differences on every weight) over models built from the sequence layers and loss. */
class SequenceModelGradientCheckTest {

    private static final Tensor IDS = Tensor.of(new float[] {3, 1, 4, 1, 5, 0, 0, 0, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4, 0, 0}, 3, 8);

    private static void assertEveryWeightPasses(Sequential model, Loss loss, Tensor targets) {
        model.seed(1);
        model.buildFor(IDS.shape());
        List<GradientCheck.Result> results = GradientCheck.of(model, () -> loss.apply(targets, model.apply(IDS)), 12);
        assertThat(results).hasSize(model.trainableParameters().size());
        for (GradientCheck.Result r : results) assertThat(r.passed()).as(r.toString()).isTrue();
    }

    @Test
    void anEmbeddingConvolutionAndPoolingClassifierPassesTheGradientChecker() {
        // No padding index here: the convolution reads the padding rows, and a padding row's gradient is 0 by design
        // (PyTorch's padding_idx), not the finite difference the checker would measure.
        Sequential m = Sequential.of(Embedding.of(10, 4), new Permute(2, 1),
                new Conv1D(5, 3, 2, Padding.SAME, 2, true, Activation.TANH), new Conv1D(4, 2, 1, 1, 1, true, Activation.TANH),
                new MaxPool1D(2), new AvgPool1D(2, 1), new GlobalMaxPooling1D(DataFormat.CHANNELS_FIRST), Dense.of(3));
        assertEveryWeightPasses(m, Losses.sparseCategoricalCrossentropy(true), Tensor.vector(2, 0, 1));
    }

    @Test
    void maskedAveragePoolingOfAnEmbeddingPassesTheGradientChecker() {
        for (Layer pool : List.of(new GlobalAveragePooling1D(), new GlobalMaxPooling1D())) {
            Sequential m = Sequential.of(Embedding.of(10, 4).paddingIndex(0), Dense.of(6, Activation.TANH), pool, Dense.of(3));
            assertEveryWeightPasses(m, Losses.sparseCategoricalCrossentropy(true), Tensor.vector(1, 2, 0));
        }
    }

    @Test
    void aTaggerWithAnIgnoredStepLossPassesTheGradientChecker() {
        Tensor tags = IDS.copy();
        float[] t = tags.data();
        for (int i = 0; i < t.length; i++) t[i] = t[i] == 0 ? Losses.IGNORE_INDEX : t[i] % 3;
        Sequential m = Sequential.of(Embedding.of(10, 4).paddingIndex(0), Dense.of(3));
        assertEveryWeightPasses(m, Losses.sparseCategoricalCrossentropy(true, Losses.IGNORE_INDEX), tags);
    }
}
