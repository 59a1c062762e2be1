package dev.nabla.nn.losses;

import dev.nabla.nn.Loss;
import dev.nabla.tensor.Tensor;
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
}
