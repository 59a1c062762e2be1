package dev.nabla.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The epoch loop every trainer shares, {@link Model#fit} in one process and distributed trainers (Spark) alike: it
 * runs the callbacks (the NaN guard and the progress logger among them), stops when one asks, adds the validation
 * entries ({@code val_loss}, ...) and records the history. How an epoch's steps are taken is the trainer's part, an
 * {@link Epoch}:
 *
 * <pre>{@code
 * Model model = Sequential.of(Dense.of(1));
 * model.compile(Optimizers.sgd(0.1), Losses.mse());
 * Tensor x = Tensor.ones(4, 2), y = Tensor.zeros(4, 1);
 * FitOptions options = FitOptions.epochs(3);
 * History h = EpochLoop.run(new TrainContext(model, 3, 0, 1, 4, 4), options, (epoch, steps) -> {
 *     float loss = model.trainStep(x, y);      // one step per epoch: the whole batch
 *     steps.stepEnded(0, loss);
 *     return Map.of("loss", (double) loss);
 * }, null);
 * }</pre>
 */
public final class EpochLoop {

    private EpochLoop() {
    }

    /** One epoch of training, the part each trainer writes. */
    @FunctionalInterface
    public interface Epoch {
        /**
         * Trains epoch {@code epoch} (counted from 0), telling {@code steps} after each optimizer step; returns the
         * epoch's training logs, "loss" first, then any metrics.
         */
        Map<String, Double> train(int epoch, Steps steps);
    }

    /** Where an {@link Epoch} reports its steps (they reach the callbacks' {@code onBatchEnd}). */
    @FunctionalInterface
    public interface Steps {
        /** After each optimizer step: {@code step} counts within the epoch, {@code loss} is that batch's loss. */
        void stepEnded(int step, double loss);
    }

    /**
     * Trains {@code context.model()} from epoch {@code context.initialEpoch()} up to {@code context.epochs()} (or
     * until a callback asks it to stop), with the options' callbacks; {@code validation}, if not null, is evaluated
     * after each epoch's training and its entries logged with a {@code val_} prefix. Leaves the model in inference
     * mode.
     */
    public static History run(TrainContext context, FitOptions options, Epoch epoch, Supplier<Map<String, Double>> validation) {
        Model model = context.model();
        List<Callback> callbacks = options.activeCallbacks();
        History history = new History();
        model.clearStopRequest();
        for (Callback c : callbacks) c.onTrainBegin(context);
        Steps steps = (step, loss) -> {
            for (Callback c : callbacks) c.onBatchEnd(step, loss);
        };
        for (int e = context.initialEpoch(); e < context.epochs() && !model.stopRequested(); e++) {
            for (Callback c : callbacks) c.onEpochBegin(e);
            Map<String, Double> logs = new LinkedHashMap<>(epoch.train(e, steps));
            if (validation != null) {
                for (Map.Entry<String, Double> v : validation.get().entrySet()) logs.put("val_" + v.getKey(), v.getValue());
            }
            // Callbacks may add entries (e.g. gradient diagnostics) before the epoch enters the history.
            for (Callback c : callbacks) c.onEpochEnd(e, logs);
            history.record(logs);
        }
        model.setTraining(false);
        for (Callback c : callbacks) c.onTrainEnd(history);
        return history;
    }
}
