package dev.nabla.nn;

import dev.nabla.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One weight of a layer: its name (layer name, slash, weight name, e.g. {@code "dense/kernel"}), the tensor itself
 * (a leaf; it requires grad when trainable) and whether an optimizer may change it. Non-trainable weights are state
 * such as BatchNormalization's moving mean, which is saved with the model but never gets a gradient.
 */
public record Weight(String name, Tensor value, boolean trainable) {

    /** The weights' tensors by name, in order (e.g. to name an optimizer's state); the names must be distinct. */
    public static Map<String, Tensor> byName(List<Weight> weights) {
        Map<String, Tensor> named = new LinkedHashMap<>();
        for (Weight w : weights) {
            if (named.put(w.name(), w.value()) != null) {
                throw new IllegalArgumentException("two weights are named " + w.name() + "; give the layers distinct names");
            }
        }
        return named;
    }
}
