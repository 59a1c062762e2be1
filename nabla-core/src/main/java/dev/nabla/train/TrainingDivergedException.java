package dev.nabla.train;

/** Thrown by {@link NanGuard} when training diverges; the message names epoch, step, what happened and a remedy. */
public class TrainingDivergedException extends RuntimeException {

    private final int epoch;
    private final int step;

    public TrainingDivergedException(int epoch, int step, double loss) {
        this(epoch, step, "loss is " + loss);
    }

    /** {@code what} says what went wrong, e.g. "loss is NaN". */
    public TrainingDivergedException(int epoch, int step, String what) {
        super("training diverged at epoch " + (epoch + 1) + ", step " + (step + 1) + ": " + what
                + "; try a lower learning rate, gradient clipping (optimizer.clipByGlobalNorm(1)), or scaled inputs");
        this.epoch = epoch;
        this.step = step;
    }

    /** The epoch (from 0) in which training diverged. */
    public int epoch() {
        return epoch;
    }

    /** The step (from 0) within the epoch. */
    public int step() {
        return step;
    }
}
