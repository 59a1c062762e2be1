package dev.nabla.train;

import java.util.function.IntToDoubleFunction;

/**
 * Sets the optimizer's learning rate at the start of each epoch from a function of the epoch (from 0), as
 * Keras's LearningRateScheduler: {@code new LearningRateScheduler(e -> 0.01 * Math.pow(0.5, e / 10))}.
 */
public class LearningRateScheduler implements Callback {

    private final IntToDoubleFunction rateForEpoch;
    private Model model;

    public LearningRateScheduler(IntToDoubleFunction rateForEpoch) {
        this.rateForEpoch = rateForEpoch;
    }

    @Override
    public void onTrainBegin(TrainContext context) {
        model = context.model();
    }

    @Override
    public void onEpochBegin(int epoch) {
        double lr = rateForEpoch.applyAsDouble(epoch);
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("LearningRateScheduler: learning rate for epoch " + epoch + " must be positive, got " + lr);
        }
        model.optimizer().setLearningRate(lr);
    }
}
