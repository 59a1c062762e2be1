package dev.nabla.nn.losses;

import dev.nabla.nn.Loss;
import dev.nabla.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static dev.nabla.testing.Fixtures.assertClose;
import static dev.nabla.testing.Fixtures.number;
import static dev.nabla.testing.Fixtures.tensor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Every loss against PyTorch: value and gradient with respect to the predictions. */
class LossFixtureTest {

    @ParameterizedTest
    @CsvSource({"mse,target", "mae,target", "huber_delta_1,target", "binary_ce_probs,target", "binary_ce_logits,target",
            "categorical_ce_logits,target_onehot", "categorical_ce_probs,target_onehot", "sparse_categorical_ce_logits,target_index"})
    void lossesMatchPyTorch(String fixture, String targetKey) {
        Loss loss = switch (fixture) {
            case "mse" -> Losses.mse();
            case "mae" -> Losses.mae();
            case "huber_delta_1" -> Losses.huber(1);
            case "binary_ce_probs" -> Losses.binaryCrossentropy(false);
            case "binary_ce_logits" -> Losses.binaryCrossentropy(true);
            case "categorical_ce_logits" -> Losses.categoricalCrossentropy(true);
            case "categorical_ce_probs" -> Losses.categoricalCrossentropy(false);
            default -> Losses.sparseCategoricalCrossentropy(true);
        };
        Tensor pred = tensor("losses", fixture, "pred").requiresGrad(true);
        Tensor value = loss.apply(tensor("losses", fixture, targetKey), pred);
        double expected = number("losses", fixture, "value");
        assertThat((double) value.item()).as(fixture).isCloseTo(expected, within(1e-5 + 1e-5 * Math.abs(expected)));
        value.backward();
        assertClose(fixture + " gradient", pred.grad(), tensor("losses", fixture, "grad"));
    }
}
