package dev.nabla.train;

/** Thrown by {@link NanGuard} when the loss becomes NaN or infinite; the message names epoch, step and a remedy. */
public class TrainingDivergedException extends RuntimeException {

    private final int epoch;
    private final int step;

    public TrainingDivergedException(int epoch, int step, double loss) {
        super("training diverged: loss is " + loss + " at epoch " + (epoch + 1) + ", step " + (step + 1)
                + "; try a lower learning rate, gradient clipping (optimizer.clipByGlobalNorm(1)), or scaled inputs");
        this.epoch = epoch;
        this.step = step;
    }

    /** The epoch (from 0) in which the loss diverged. */
    public int epoch() {
        return epoch;
    }

    /** The step (from 0) within the epoch. */
    public int step() {
        return step;
    }
}
