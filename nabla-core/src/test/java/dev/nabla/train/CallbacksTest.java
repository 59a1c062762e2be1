package dev.nabla.train;

import dev.nabla.nn.Dense;
import dev.nabla.nn.Layer;
import dev.nabla.nn.losses.Losses;
import dev.nabla.optim.Optimizers;
import dev.nabla.tensor.Rng;
import dev.nabla.tensor.Tensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CallbacksTest {

    private Sequential model;
    private Tensor x, y;

    @BeforeEach
    void setUp() {
        Layer.resetNames();
        model = Sequential.of(Dense.of(1));
        model.seed(1);
        model.compile(Optimizers.sgd(0.1f), Losses.mse());
        Rng rng = new Rng(2);
        x = Tensor.normal(rng, 0, 1, 16, 2);
        y = Tensor.normal(rng, 0, 1, 16, 1);
    }

    @Test
    void progressLoggerPrintsOneLinePerEpochWithTheLogs() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        model.fit(x, y, FitOptions.epochs(3).batchSize(8).validationSplit(0.25)
                .callbacks(new ProgressLogger(new PrintStream(bytes, true, StandardCharsets.UTF_8))));
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).matches("Epoch 1/3 - [0-9.]+ s - loss [0-9.]+ - val_loss [0-9.]+");
        assertThat(lines.get(2)).startsWith("Epoch 3/3 - ");
        assertThat(ProgressLogger.format(Map.of("loss", 0.123456))).isEqualTo(" - loss 0.1235");
    }

    @Test
    void learningRateSchedulerSetsTheRateAtEachEpochStart() {
        List<Float> seen = new ArrayList<>();
        model.fit(x, y, FitOptions.epochs(3).batchSize(16).callbacks(new LearningRateScheduler(e -> 0.1 / (1 << e)), new Callback() {
            @Override
            public void onBatchEnd(int step, double loss) {
                seen.add(model.optimizer().learningRate());
            }
        }));
        assertThat(seen).containsExactly(0.1f, 0.05f, 0.025f);
        assertThatThrownBy(() -> model.fit(x, y, FitOptions.epochs(1).callbacks(new LearningRateScheduler(e -> -1))))
                .hasMessageContaining("learning rate for epoch 0 must be positive");
    }
}
