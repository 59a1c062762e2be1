package dev.nabla.nn;

import dev.nabla.autograd.Autograd;
import dev.nabla.explain.GradientCheck;
import dev.nabla.tensor.Rng;
import dev.nabla.tensor.Tensor;
import dev.nabla.train.Model;
import dev.nabla.train.ModelFile;
import dev.nabla.train.Sequential;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class PositionalEmbeddingTest {

    @BeforeEach
    void freshNames() {
        Layer.resetNames();
    }

    @Test
    void eachStepGetsItsOwnLearnedRowAndOnlyTheUsedRowsGetAGradient() {
        PositionalEmbedding pos = new PositionalEmbedding(5, 3);
        pos.seed(1).buildFor(2, 3, 3);
        Tensor table = pos.weights().get(0).value();
        Tensor x = Tensor.randn(new Rng(2), 2, 3, 3);
        Tensor y = pos.apply(x);
        for (int b = 0; b < 2; b++) for (int t = 0; t < 3; t++) for (int d = 0; d < 3; d++) {
            assertThat(y.get(b, t, d)).isEqualTo(x.get(b, t, d) + table.get(t, d));
        }
        Tensor g = Autograd.grad(y.sum(), List.of(table)).get(0);
        assertThat(g.data()).containsExactly(2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0, 0);
        for (GradientCheck.Result r : GradientCheck.of(pos, () -> pos.apply(x).square().sum(), 15)) assertThat(r.passed()).as(r.toString()).isTrue();
    }

    @Test
    void aSequenceLongerThanMaxLengthIsRefusedNamingTheLayerAndBothLengths() {
        PositionalEmbedding pos = new PositionalEmbedding("positions", 4, 2, Initializers.zeros());
        assertThatThrownBy(() -> pos.apply(Tensor.ones(1, 6, 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("positions: a sequence of 6 steps is longer than maxLength 4 (input [1, 6, 2])");
    }

    @Test
    void theSinusoidalEncodingIsVaswanisAndHasNoWeights() {
        int dim = 6;
        Tensor y = new SinusoidalPositionalEmbedding().apply(Tensor.zeros(1, 7, dim));
        for (int t = 0; t < 7; t++) for (int i = 0; i < dim / 2; i++) {
            double angle = t * Math.exp(-Math.log(10000) * 2 * i / dim);
            assertThat((double) y.get(0, t, 2 * i)).isCloseTo(Math.sin(angle), within(1e-6));
            assertThat((double) y.get(0, t, 2 * i + 1)).isCloseTo(Math.cos(angle), within(1e-6));
        }
        assertThat(new SinusoidalPositionalEmbedding().weights()).isEmpty();
    }

    @Test
    void bothRoundTripThroughConfigAndModelFile(@TempDir Path dir) {
        Sequential model = Sequential.of(new PositionalEmbedding(6, 4), new SinusoidalPositionalEmbedding(), new Dense(2));
        model.seed(3).buildFor(1, 5, 4);
        for (Layer l : model.layers()) assertThat(Layers.fromConfig(l.config()).config()).isEqualTo(l.config());
        Path file = dir.resolve("pos.nabla");
        ModelFile.save(file, model);
        Model back = ModelFile.load(file).model();
        Tensor x = Tensor.randn(new Rng(1), 2, 5, 4);
        assertThat(back.predict(x).data()).containsExactly(model.predict(x).data());
        assertThat(model.summary()).contains("positional_embedding (PositionalEmbedding)").contains("24");
    }
}
