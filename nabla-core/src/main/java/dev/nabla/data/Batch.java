package dev.nabla.data;

import dev.nabla.tensor.Tensor;

/** One batch of features and targets. */
public record Batch(Tensor x, Tensor y) {
    public int size() {
        return x.dim(0);
    }
}
