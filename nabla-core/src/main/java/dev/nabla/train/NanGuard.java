package dev.nabla.train;

/**
 * Stops training with a {@link TrainingDivergedException} as soon as a batch loss is NaN or infinite. Fit adds it
 * unless {@link FitOptions#nanGuard(boolean)} turns it off.
 */
public final class NanGuard implements Callback {

    private int epoch;

    @Override
    public void onEpochBegin(int epoch) {
        this.epoch = epoch;
    }

    @Override
    public void onBatchEnd(int step, double loss) {
        if (!Double.isFinite(loss)) throw new TrainingDivergedException(epoch, step, loss);
    }
}
