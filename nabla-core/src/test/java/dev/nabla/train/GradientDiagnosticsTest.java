package dev.nabla.train;

import dev.nabla.nn.Activation;
import dev.nabla.nn.Dense;
import dev.nabla.nn.Initializer;
import dev.nabla.nn.Initializers;
import dev.nabla.nn.Layer;
import dev.nabla.nn.losses.Losses;
import dev.nabla.optim.Optimizers;
import dev.nabla.tensor.Rng;
import dev.nabla.tensor.Tensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class GradientDiagnosticsTest {

    @BeforeEach
    void freshNames() {
        Layer.resetNames();
    }

    private static List<String> trainDeep(Activation activation, Initializer init, History[] history) {
        Sequential m = new Sequential();
        for (int i = 0; i < 20; i++) m.add(new Dense(null, 16, activation, init, Initializers.zeros(), true));
        m.add(Dense.of(1));
        m.seed(3);
        m.compile(Optimizers.sgd(0.01f), Losses.mse());
        Rng rng = new Rng(4);
        Tensor x = Tensor.normal(rng, 0, 1, 64, 16), y = Tensor.normal(rng, 0, 1, 64, 1);
        List<String> printed = new ArrayList<>();
        GradientDiagnostics d = new GradientDiagnostics(printed::add);
        history[0] = m.fit(x, y, FitOptions.epochs(4).batchSize(32).callbacks(d));
        assertThat(printed).hasSameSizeAs(d.warnings());
        return d.warnings();
    }

    @Test
    void twentySigmoidLayersTriggerTheVanishingWarningNamingTheLayer() {
        History[] h = new History[1];
        List<String> warnings = trainDeep(Activation.SIGMOID, Initializers.glorotUniform(), h);
        assertThat(warnings).isNotEmpty();
        assertThat(warnings.get(0)).startsWith("dense:").contains("vanish").contains("He initialisation");
        assertThat(h[0].get("grad_norm/dense").get(3)).isLessThan(GradientDiagnostics.VANISHING);
        assertThat(h[0].metrics()).containsKeys("weight_norm/dense_20", "update_ratio/dense_20");
    }

    @Test
    void reluWithHeInitialisationDoesNot() {
        History[] h = new History[1];
        assertThat(trainDeep(Activation.RELU, Initializers.heNormal(), h)).isEmpty();
        assertThat(h[0].get("grad_norm/dense").get(0)).isGreaterThan(1e-4);
    }

    @Test
    void aModelKilledByAHugeLearningRateIsNotToldToRaiseIt() {
        Tensor[] d = ModelTest.blobs(2);
        Sequential m = Sequential.of(Dense.of(16, Activation.RELU), Dense.of(3, Activation.SOFTMAX));
        m.seed(1);
        m.compile(Optimizers.adam(1e6f), Losses.sparseCategoricalCrossentropy(false));
        GradientDiagnostics diagnostics = new GradientDiagnostics(s -> {});
        m.fit(d[0], d[1], FitOptions.epochs(5).batchSize(20).seed(3).nanGuard(false).callbacks(diagnostics));
        assertThat(diagnostics.warnings()).isNotEmpty().allSatisfy(w -> assertThat(w).doesNotContain("higher learning rate").contains("lower the learning rate"));
    }
}
