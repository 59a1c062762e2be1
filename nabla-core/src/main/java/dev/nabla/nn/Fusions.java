package dev.nabla.nn;

import dev.nabla.tensor.Tensor;

/**
 * The one place that decides which layer calls run as one fused op, asked alike by a {@code Sequential} (each layer
 * and the next) and by a functional model (each node and the one node its output feeds). A fused op gives exactly
 * the values and gradients of the layers applied in turn, with less memory traffic; its code and backward live
 * beside the ops it fuses. The rule today: a ReLU {@link Conv2D} whose output goes only to a 2x2, stride-2
 * {@link MaxPool2D} ({@link Conv2D#convolveReluMaxPool}). (Dense's affine + ReLU is one op inside {@link Dense}.)
 */
public final class Fusions {

    private Fusions() {
    }

    /** A layer and the layer consuming its output, run as one. */
    @FunctionalInterface
    public interface Fused {
        /** What the consumer returns for the first layer's input {@code x}. */
        Tensor apply(Tensor x);
    }

    /**
     * {@code consumer.apply(layer.apply(x))} as one op, or null when no fusion applies. The caller ensures that the
     * consumer is the only user of the layer's output (so that value need never exist).
     */
    public static Fused of(Layer layer, Layer consumer) {
        if (layer instanceof Conv2D conv && conv.activation() == Activation.RELU
                && consumer instanceof MaxPool2D pool && pool.poolSize() == 2 && pool.stride() == 2) {
            return x -> conv.applyReluMaxPool(pool, x);
        }
        return null;
    }
}
