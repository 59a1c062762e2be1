package dev.nabla.train;

import dev.nabla.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * How {@link Model#fit} trains. Start from {@link #epochs(int)} and chain:
 *
 * <pre>{@code
 * model.fit(x, y, FitOptions.epochs(20).batchSize(32).validationSplit(0.2).seed(7)
 *         .callbacks(new EarlyStopping("val_loss", 3, 0, true)));
 * }</pre>
 *
 * Defaults: batch size 32, shuffling on, seed 0, no validation, verbose off, NaN guard on.
 */
public final class FitOptions {

    /** A batch size meaning "the whole training set in every step". */
    public static final int FULL_BATCH = -1;

    private int epochs;
    private int initialEpoch;
    private int batchSize = 32;
    private boolean shuffle = true;
    private long seed;
    private double validationSplit;
    private Tensor validationX;
    private Tensor validationY;
    private List<Tensor> validationXs;
    private List<Tensor> validationYs;
    private Map<String, Tensor> validationXByName;
    private Map<String, Tensor> validationYByName;
    private final List<Callback> callbacks = new ArrayList<>();
    private boolean verbose;
    private boolean nanGuard = true;
    private Tensor sampleWeights;

    private FitOptions(int epochs) {
        if (epochs < 0) throw new IllegalArgumentException("fit: epochs must not be negative, got " + epochs);
        this.epochs = epochs;
    }

    public static FitOptions epochs(int epochs) {
        return new FitOptions(epochs);
    }

    /** Samples per step: {@link #FULL_BATCH} (or any size at least the data's) for full batch, 1 for stochastic. */
    public FitOptions batchSize(int batchSize) {
        if (batchSize == 0 || batchSize < FULL_BATCH) {
            throw new IllegalArgumentException("fit: batch size must be positive or FULL_BATCH (-1), got " + batchSize);
        }
        this.batchSize = batchSize;
        return this;
    }

    /** Reshuffle the training samples every epoch (order from the seed and the epoch number). */
    public FitOptions shuffle(boolean shuffle) {
        this.shuffle = shuffle;
        return this;
    }

    public FitOptions seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** Hold out the last fraction of the samples (before shuffling, as Keras) for validation. */
    public FitOptions validationSplit(double fraction) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("fit: validation split must be in [0, 1), got " + fraction);
        }
        this.validationSplit = fraction;
        return this;
    }

    public FitOptions validationData(Tensor x, Tensor y) {
        clearValidationData();
        this.validationX = x;
        this.validationY = y;
        return this;
    }

    /** Validation data for a model with several inputs and/or outputs, the tensors in input and output order. */
    public FitOptions validationData(List<Tensor> x, List<Tensor> y) {
        clearValidationData();
        this.validationXs = List.copyOf(x);
        this.validationYs = List.copyOf(y);
        return this;
    }

    /** Validation data for a model with several inputs and/or outputs, by input and output name. */
    public FitOptions validationData(Map<String, Tensor> x, Map<String, Tensor> y) {
        clearValidationData();
        this.validationXByName = Map.copyOf(x);
        this.validationYByName = Map.copyOf(y);
        return this;
    }

    /** Validation data is given one way; the last call wins. */
    private void clearValidationData() {
        validationX = validationY = null;
        validationXs = validationYs = null;
        validationXByName = validationYByName = null;
    }

    public FitOptions callbacks(Callback... callbacks) {
        this.callbacks.addAll(Arrays.asList(callbacks));
        return this;
    }

    /** Print one line per epoch ({@link ProgressLogger}) to standard output. */
    public FitOptions verbose(boolean verbose) {
        this.verbose = verbose;
        return this;
    }

    /** The first epoch to train (resume after {@code initialEpoch} finished epochs). */
    public FitOptions initialEpoch(int initialEpoch) {
        if (initialEpoch < 0) throw new IllegalArgumentException("fit: initial epoch must not be negative, got " + initialEpoch);
        this.initialEpoch = initialEpoch;
        return this;
    }

    /** Turns the default {@link NanGuard} on or off. */
    public FitOptions nanGuard(boolean on) {
        this.nanGuard = on;
        return this;
    }

    /**
     * Each training row's weight in the loss ([samples], non-negative; e.g. from
     * {@link SampleWeights#balancedClassWeights}), as Keras's {@code sample_weight}: a batch's loss is the mean of
     * weight times per-sample loss. The validation split holds out the weights with their rows; validation losses are
     * unweighted. One input and one output only.
     */
    public FitOptions sampleWeights(Tensor weights) {
        this.sampleWeights = weights;
        return this;
    }

    public int epochs() { return epochs; }
    public int initialEpoch() { return initialEpoch; }
    public int batchSize() { return batchSize; }
    public boolean shuffle() { return shuffle; }
    public long seed() { return seed; }
    public double validationSplit() { return validationSplit; }
    public Tensor validationX() { return validationX; }
    public Tensor validationY() { return validationY; }
    public List<Tensor> validationXs() { return validationXs; }
    public List<Tensor> validationYs() { return validationYs; }
    public Map<String, Tensor> validationXByName() { return validationXByName; }
    public Map<String, Tensor> validationYByName() { return validationYByName; }
    public List<Callback> callbacks() { return List.copyOf(callbacks); }
    public boolean verbose() { return verbose; }
    public boolean nanGuard() { return nanGuard; }
    public Tensor sampleWeights() { return sampleWeights; }

    /** The callbacks a fit runs, in order: the NaN guard and progress logger when on, then the user's. */
    public List<Callback> activeCallbacks() {
        List<Callback> active = new ArrayList<>();
        if (nanGuard) active.add(new NanGuard());
        if (verbose) active.add(new ProgressLogger());
        active.addAll(callbacks);
        return active;
    }
}
