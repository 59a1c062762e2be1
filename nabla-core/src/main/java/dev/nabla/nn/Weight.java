package dev.nabla.nn;

import dev.nabla.tensor.Tensor;

/**
 * One weight of a layer: its name (layer name, slash, weight name, e.g. {@code "dense/kernel"}), the tensor itself
 * (a leaf; it requires grad when trainable) and whether an optimizer may change it. Non-trainable weights are state
 * such as BatchNormalization's moving mean, which is saved with the model but never gets a gradient.
 */
public record Weight(String name, Tensor value, boolean trainable) {
}
