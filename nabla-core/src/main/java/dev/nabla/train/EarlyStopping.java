package dev.nabla.train;

import dev.nabla.tensor.Tensor;

import java.util.List;
import java.util.Map;

/**
 * Stops training when {@code monitor} (e.g. "val_loss") has not improved by more than {@code minDelta} for
 * {@code patience} epochs; with {@code restoreBest}, puts back the weights of the best epoch. Metrics whose name
 * contains "loss" or "error" improve downwards, others (accuracy) upwards.
 */
public class EarlyStopping implements Callback {

    private final String monitor;
    private final int patience;
    private final double minDelta;
    private final boolean restoreBest;
    private final boolean lowerIsBetter;
    private Model model;
    private double best;
    private int bestEpoch;
    private int wait;
    private List<Tensor> bestWeights;
    private int stoppedEpoch = -1;

    public EarlyStopping(String monitor, int patience, double minDelta, boolean restoreBest) {
        if (patience < 0) throw new IllegalArgumentException("EarlyStopping: patience must not be negative, got " + patience);
        this.monitor = monitor;
        this.patience = patience;
        this.minDelta = Math.abs(minDelta);
        this.restoreBest = restoreBest;
        this.lowerIsBetter = lowerIsBetter(monitor);
    }

    /** Whether a logged value improves downwards: losses, errors, mae and mse ("val_aux_mae" too); others upwards. */
    static boolean lowerIsBetter(String monitor) {
        return monitor.contains("loss") || monitor.contains("error") || monitor.endsWith("mae") || monitor.endsWith("mse");
    }

    @Override
    public void onTrainBegin(TrainContext context) {
        model = context.model();
        best = lowerIsBetter ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
        wait = 0;
        bestWeights = null;
        stoppedEpoch = -1;
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        Double value = logs.get(monitor);
        if (value == null) {
            throw new IllegalArgumentException("EarlyStopping: '" + monitor + "' is not logged; logs have " + logs.keySet());
        }
        boolean improved = lowerIsBetter ? value < best - minDelta : value > best + minDelta;
        if (improved) {
            best = value;
            bestEpoch = epoch;
            wait = 0;
            if (restoreBest) bestWeights = model.getWeights();
        } else if (++wait > patience) {
            stoppedEpoch = epoch;
            model.stopTraining();
        }
    }

    @Override
    public void onTrainEnd(History history) {
        if (restoreBest && bestWeights != null && stoppedEpoch >= 0) model.setWeights(bestWeights);
    }

    /** The epoch (from 0) after which training stopped, or -1 if it ran to the end. */
    public int stoppedEpoch() {
        return stoppedEpoch;
    }

    /** The epoch (from 0) with the best monitored value. */
    public int bestEpoch() {
        return bestEpoch;
    }

    public double best() {
        return best;
    }
}
