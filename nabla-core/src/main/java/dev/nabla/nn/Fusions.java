package dev.nabla.nn;

import dev.nabla.tensor.Tensor;

/**
 * The one place that decides which layer calls run as one fused op, asked alike by a {@code Sequential} (each layer
 * and the next) and by a functional model (each node and the one node its output feeds). A fused op gives exactly
 * the values and gradients of the layers applied in turn (to rounding where it sums in another order, as the pooled
 * convolution computed window by window does), with less memory traffic; its code and backward live
 * beside the ops it fuses. The rules today: a ReLU {@link Conv2D} whose output goes only to a 2x2, stride-2
 * {@link MaxPool2D} ({@link ConvReluMaxPool}); a {@link Dense} layer's ReLU, its own or that of an
 * {@link ActivationLayer} after a linear one, inside its {@link Affine} op ({@link #fusesIntoAffine}).
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
            return x -> convReluMaxPool(conv, pool, x);
        }
        if (layer instanceof Dense dense && dense.activation() == Activation.LINEAR
                && consumer instanceof ActivationLayer next && fusesIntoAffine(next.activation())) {
            return x -> dense.applyThen(next, x);
        }
        return null;
    }

    /**
     * {@code pool.apply(conv.apply(x))} as the one op {@link ConvReluMaxPool}, with the layers' weights and shape
     * checks; the layers in turn when the convolution's output is smaller than 2x2 (the pooling layer's own error
     * says why).
     */
    private static Tensor convReluMaxPool(Conv2D conv, MaxPool2D pool, Tensor x) {
        if (!conv.isBuilt()) conv.buildFor(x.shape());
        Convolution.Images g = conv.checkedGeometry(x);
        if (g.outH() < 2 || g.outW() < 2) return pool.apply(conv.apply(x));
        pool.buildFor(g.n(), conv.kernel().dim(0), g.outH(), g.outW());
        return ConvReluMaxPool.apply(x, conv.kernel(), conv.bias(), conv.stride(), conv.padding());
    }

    /**
     * Whether a Dense layer's activation runs inside its {@link Affine} op on [batch, in] inputs: the ReLU does (its
     * backward masks the gradient in place); any other runs as its own op after it.
     */
    static boolean fusesIntoAffine(Activation activation) {
        return activation == Activation.RELU;
    }
}
