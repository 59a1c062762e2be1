package dev.nabla.train;

import java.util.Map;

/**
 * Hooks into {@link Model#fit}. Epochs and steps count from 0; {@code logs} holds the epoch's mean loss and
 * metrics ({@code "loss"}, {@code "accuracy"}, and with validation {@code "val_loss"}, {@code "val_accuracy"}; with
 * several outputs also each output's {@code "<output>_loss"} and {@code "<output>_<metric>"}, "loss" being the
 * weighted total).
 * Call {@link Model#stopTraining()} (through {@link TrainContext#model()}) to end training after the current epoch.
 */
public interface Callback {

    default void onTrainBegin(TrainContext context) {}

    default void onEpochBegin(int epoch) {}

    /** After each optimizer step; {@code step} counts within the epoch, {@code loss} is this batch's loss. */
    default void onBatchEnd(int step, double loss) {}

    default void onEpochEnd(int epoch, Map<String, Double> logs) {}

    default void onTrainEnd(History history) {}
}
