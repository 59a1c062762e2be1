package dev.nabla.train;

import dev.nabla.nn.Dense;
import dev.nabla.nn.losses.Losses;
import dev.nabla.optim.Optimizers;
import dev.nabla.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReduceLearningRateOnPlateauTest {

    private static Sequential compiled(double lr) {
        Sequential model = Sequential.of(Dense.of(1));
        model.compile(Optimizers.sgd(lr), Losses.mse());
        return model;
    }

    /** Keras's ReduceLROnPlateau rule (patience 2, factor 0.5, cooldown 1, min 0.02) on a plateauing val_loss, traced by hand. */
    @Test
    void theRateFallsAfterPatienceEpochsWithoutImprovementWaitsOutTheCooldownAndStopsAtTheMinimum() {
        Sequential model = compiled(0.1);
        ReduceLearningRateOnPlateau plateau = new ReduceLearningRateOnPlateau("val_loss", 0.5, 2, 1e-4, 1, 0.02);
        plateau.onTrainBegin(new TrainContext(model, 11, 0, 1, 1, 1));
        double[] valLoss = {1.0, 0.9, 0.95, 0.92, 0.93, 0.94, 0.95, 0.96, 0.97, 0.98, 0.5};
        List<Float> rates = new ArrayList<>();
        for (int e = 0; e < valLoss.length; e++) {
            plateau.onEpochEnd(e, Map.of("val_loss", valLoss[e]));
            rates.add(model.optimizer().learningRate());
        }
        assertThat(rates).containsExactly(0.1f, 0.1f, 0.1f, 0.05f, 0.05f, 0.025f, 0.025f, 0.02f, 0.02f, 0.02f, 0.02f);
    }

    @Test
    void accuracyImprovesUpwards() {
        Sequential model = compiled(0.1);
        ReduceLearningRateOnPlateau plateau = new ReduceLearningRateOnPlateau("val_accuracy", 0.1, 1);
        plateau.onTrainBegin(new TrainContext(model, 3, 0, 1, 1, 1));
        plateau.onEpochEnd(0, Map.of("val_accuracy", 0.5));
        plateau.onEpochEnd(1, Map.of("val_accuracy", 0.6));
        assertThat(model.optimizer().learningRate()).isEqualTo(0.1f);
        plateau.onEpochEnd(2, Map.of("val_accuracy", 0.55));
        assertThat(model.optimizer().learningRate()).isEqualTo(0.01f);
    }

    @Test
    void inFitItLowersTheRateWhenTheLossStopsFalling() {
        Sequential model = compiled(1e-9); // far too small to move the loss: a plateau from the first epoch
        Tensor x = Tensor.ones(8, 2), y = Tensor.ones(8, 1);
        model.fit(x, y, FitOptions.epochs(4).batchSize(8).callbacks(new ReduceLearningRateOnPlateau("loss", 0.5, 1, 1e-3, 0, 0)));
        assertThat(model.optimizer().learningRate()).isEqualTo((float) (1e-9 / 8));
    }

    @Test
    void anUnloggedMonitorIsRefusedNamingWhatIsLogged() {
        Sequential model = compiled(0.1);
        ReduceLearningRateOnPlateau plateau = new ReduceLearningRateOnPlateau("val_loss", 0.5, 2);
        plateau.onTrainBegin(new TrainContext(model, 1, 0, 1, 1, 1));
        assertThatThrownBy(() -> plateau.onEpochEnd(0, Map.of("loss", 1.0))).hasMessageContaining("'val_loss' is not logged").hasMessageContaining("[loss]");
        assertThatThrownBy(() -> new ReduceLearningRateOnPlateau("loss", 1.5, 2)).hasMessageContaining("factor must be in (0, 1), got 1.5");
    }
}
