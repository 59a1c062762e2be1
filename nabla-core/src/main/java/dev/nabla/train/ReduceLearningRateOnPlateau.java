package dev.nabla.train;

import java.util.Map;

/**
 * Multiplies the learning rate by {@code factor} when {@code monitor} (e.g. "val_loss") has not improved by more
 * than {@code minDelta} for {@code patience} epochs, as Keras's ReduceLROnPlateau: then waits {@code cooldown} epochs
 * before counting again, and never goes below {@code minLearningRate}.
 *
 * <pre>{@code
 * model.fit(x, y, FitOptions.epochs(100).validationSplit(0.2).callbacks(new ReduceLearningRateOnPlateau("val_loss", 0.5, 5)));
 * }</pre>
 */
public class ReduceLearningRateOnPlateau implements Callback {

    private final String monitor;
    private final double factor;
    private final int patience;
    private final double minDelta;
    private final int cooldown;
    private final double minLearningRate;
    private final boolean lowerIsBetter;
    private Model model;
    private double best;
    private int wait;
    private int cooldownLeft;

    /** Keras's defaults for the rest: minDelta 1e-4, no cooldown, no lower bound. */
    public ReduceLearningRateOnPlateau(String monitor, double factor, int patience) {
        this(monitor, factor, patience, 1e-4, 0, 0);
    }

    public ReduceLearningRateOnPlateau(String monitor, double factor, int patience, double minDelta, int cooldown, double minLearningRate) {
        if (!(factor > 0 && factor < 1)) throw new IllegalArgumentException("ReduceLearningRateOnPlateau: factor must be in (0, 1), got " + factor);
        if (patience < 0 || cooldown < 0) {
            throw new IllegalArgumentException("ReduceLearningRateOnPlateau: patience and cooldown must not be negative, got " + patience + " and " + cooldown);
        }
        if (!(minLearningRate >= 0)) throw new IllegalArgumentException("ReduceLearningRateOnPlateau: minLearningRate must not be negative, got " + minLearningRate);
        this.monitor = monitor;
        this.factor = factor;
        this.patience = patience;
        this.minDelta = Math.abs(minDelta);
        this.cooldown = cooldown;
        this.minLearningRate = minLearningRate;
        this.lowerIsBetter = EarlyStopping.lowerIsBetter(monitor);
    }

    @Override
    public void onTrainBegin(TrainContext context) {
        model = context.model();
        best = lowerIsBetter ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
        wait = 0;
        cooldownLeft = 0;
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        Double value = logs.get(monitor);
        if (value == null) {
            throw new IllegalArgumentException("ReduceLearningRateOnPlateau: '" + monitor + "' is not logged; logs have " + logs.keySet());
        }
        if (cooldownLeft > 0) {
            cooldownLeft--;
            wait = 0;
        }
        boolean improved = lowerIsBetter ? value < best - minDelta : value > best + minDelta;
        if (improved) {
            best = value;
            wait = 0;
        } else if (cooldownLeft == 0 && ++wait >= patience) {
            double lr = model.optimizer().learningRate();
            if (lr > minLearningRate) model.optimizer().setLearningRate(Math.max(lr * factor, minLearningRate));
            cooldownLeft = cooldown;
            wait = 0;
        }
    }
}
