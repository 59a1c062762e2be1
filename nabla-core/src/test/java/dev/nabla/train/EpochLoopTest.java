package dev.nabla.train;

import dev.nabla.nn.Dense;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The epoch loop Model.fit and the Spark trainer share, driven by a hand-written epoch. */
class EpochLoopTest {

    /** Writes down every callback call, and asks the model to stop at the end of {@code stopAt}. */
    private static final class Recorder implements Callback {
        final List<String> calls = new ArrayList<>();
        final int stopAt;
        Model model;

        Recorder(int stopAt) {
            this.stopAt = stopAt;
        }

        @Override
        public void onTrainBegin(TrainContext context) {
            model = context.model();
            calls.add("train begin");
        }

        @Override
        public void onEpochBegin(int epoch) {
            calls.add("epoch " + epoch);
        }

        @Override
        public void onBatchEnd(int step, double loss) {
            calls.add("step " + step + " " + loss);
        }

        @Override
        public void onEpochEnd(int epoch, Map<String, Double> logs) {
            calls.add("end " + epoch + " " + logs);
            if (epoch == stopAt) model.stopTraining();
        }

        @Override
        public void onTrainEnd(History history) {
            calls.add("train end " + history.epochs());
        }
    }

    @Test
    void theLoopRunsCallbacksAroundEachEpochAddsValidationEntriesAndStopsWhenAsked() {
        Model model = Sequential.of(Dense.of(1));
        model.stopTraining(); // a stop left over from an earlier run is forgotten
        Recorder recorder = new Recorder(2);
        FitOptions options = FitOptions.epochs(5).initialEpoch(1).callbacks(recorder);
        History h = EpochLoop.run(new TrainContext(model, 5, 1, 2, 4, 2), options, (epoch, steps) -> {
            steps.stepEnded(0, epoch);
            steps.stepEnded(1, epoch + 0.5);
            return Map.of("loss", epoch + 0.25);
        }, () -> Map.of("loss", 9.0));
        assertThat(recorder.calls).containsExactly("train begin",
                "epoch 1", "step 0 1.0", "step 1 1.5", "end 1 {loss=1.25, val_loss=9.0}",
                "epoch 2", "step 0 2.0", "step 1 2.5", "end 2 {loss=2.25, val_loss=9.0}",
                "train end 2");
        assertThat(h.get("loss")).containsExactly(1.25, 2.25);
        assertThat(h.get("val_loss")).containsExactly(9.0, 9.0);
        assertThat(model.isTraining()).isFalse();
    }

    @Test
    void theNanGuardOfTheOptionsStopsTheLoopAtTheFirstNonFiniteStepLoss() {
        Model model = Sequential.of(Dense.of(1));
        List<Integer> epochs = new ArrayList<>();
        assertThatThrownBy(() -> EpochLoop.run(new TrainContext(model, 3, 0, 1, 1, 1), FitOptions.epochs(3), (epoch, steps) -> {
            epochs.add(epoch);
            steps.stepEnded(0, epoch == 1 ? Double.NaN : 1);
            return Map.of("loss", 1.0);
        }, null)).isInstanceOf(TrainingDivergedException.class).hasMessageContaining("loss is NaN");
        assertThat(epochs).containsExactly(0, 1);
    }
}
