package dev.nabla.train.metrics;

import dev.nabla.tensor.Tensor;

/**
 * A quantity accumulated over batches: {@link #update} with each batch's targets and predictions, then read
 * {@link #result()}; {@link #reset()} starts over (the model resets at each epoch).
 */
public interface Metric {

    void reset();

    void update(Tensor yTrue, Tensor yPred);

    double result();

    /** The key in logs and History, e.g. {@code "accuracy"}. */
    String name();
}
