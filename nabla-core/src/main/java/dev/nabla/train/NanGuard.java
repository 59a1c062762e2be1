package dev.nabla.train;

import dev.nabla.nn.Weight;

import java.util.List;
import java.util.Locale;

/**
 * Stops training with a {@link TrainingDivergedException} when it has diverged: a batch loss is NaN or infinite, a
 * weight is no longer finite at the end of an epoch, or no gradient flows at all while the loss is not zero for
 * {@value #DEAD_STEPS} steps in a row. The last is how a too-high learning rate shows with a softmax or sigmoid
 * output: the outputs saturate, the clipped cross-entropy stays finite (about 10), and every gradient is exactly 0,
 * so the model can never recover. Fit adds it unless {@link FitOptions#nanGuard(boolean)} turns it off.
 */
public final class NanGuard implements Callback {

    /** Consecutive steps without any gradient that mean the model is dead. */
    static final int DEAD_STEPS = 5;
    /** Below this loss a model may be saturated on right answers (converged), not dead. */
    private static final double CONVERGED_LOSS = 1e-6;

    /** The model's weights, listed once per fit (the list is rebuilt on every call of {@code weights()}). */
    private List<Weight> weights;
    private int epoch;
    private int lastStep;
    private int deadSteps;
    private int deadSinceEpoch;
    private int deadSinceStep;
    private double deadLoss;

    @Override
    public void onTrainBegin(TrainContext context) {
        weights = context.model().weights();
        deadSteps = 0;
    }

    @Override
    public void onEpochBegin(int epoch) {
        this.epoch = epoch;
    }

    @Override
    public void onBatchEnd(int step, double loss) {
        lastStep = step;
        if (!Double.isFinite(loss)) throw new TrainingDivergedException(epoch, step, "loss is " + loss);
        if (weights == null || loss <= CONVERGED_LOSS || !noGradientFlows()) {
            deadSteps = 0;
            return;
        }
        if (deadSteps++ == 0) {
            deadSinceEpoch = epoch;
            deadSinceStep = step;
            deadLoss = loss;
        }
        if (deadSteps == DEAD_STEPS) {
            throw new TrainingDivergedException(deadSinceEpoch, deadSinceStep, String.format(Locale.ROOT,
                    "no gradient flows (every gradient is 0 for %d steps in a row while the loss is %.4g: the outputs saturated or the units died)",
                    DEAD_STEPS, deadLoss));
        }
    }

    /** Whether the last step left every trainable weight a gradient of exactly zero (false when none has one). */
    private boolean noGradientFlows() {
        boolean any = false;
        for (Weight w : weights) {
            if (!w.trainable() || w.value().grad() == null) continue;
            any = true;
            for (float g : w.value().grad().data()) if (g != 0f) return false;
        }
        return any;
    }

    /** A step that makes a weight infinite gives a NaN loss at the next step; this catches the last step too. */
    @Override
    public void onEpochEnd(int epoch, java.util.Map<String, Double> logs) {
        if (weights == null) return;
        for (Weight w : weights) {
            for (float v : w.value().data()) {
                if (!Float.isFinite(v)) throw new TrainingDivergedException(epoch, lastStep, "weight " + w.name() + " holds " + v);
            }
        }
    }
}
