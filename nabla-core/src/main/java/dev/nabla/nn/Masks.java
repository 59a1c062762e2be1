package dev.nabla.nn;

import dev.nabla.tensor.Shape;
import dev.nabla.tensor.Tensor;

/**
 * Padding masks for sequences, as Keras's: a {@code [batch, time]} tensor of 1 (a real step) and 0 (padding). A
 * {@link Source} (an embedding with a padding index) makes one from its input; it travels with the values through
 * the layers that work step by step ({@link Layer#propagatesMask()}: dense, dropout, normalisation, activations,
 * element-wise merges); a {@link Consumer} (a recurrent layer, attention, pooling over time) uses it to skip the
 * padded steps and says whether its output still carries it. Any other layer drops it. {@code Sequential} and
 * functional models both route masks through {@link #call}, so a layer sees the same masks in either.
 */
public final class Masks {

    private Masks() {
    }

    /** A layer that knows which steps of its input are padding. */
    public interface Source {
        /** The mask of {@code input} ([batch, time] of 0/1), or null when nothing in it is padding by this layer's rule. */
        Tensor computeMask(Tensor input);
    }

    /** A layer whose computation skips padded steps. */
    public interface Consumer {
        /**
         * The layer's output for {@code inputs}, where {@code masks[i]} is the mask of input i or null (at least one
         * is not null when this is called).
         */
        Tensor applyMasked(Tensor[] inputs, Tensor[] masks);

        /** The mask its output carries, from the inputs' masks; null when the output has no time axis left. */
        Tensor outputMask(Tensor[] masks);
    }

    /** A layer's output and the mask that goes with it (null for none). */
    public record Masked(Tensor value, Tensor mask) {
    }

    /**
     * Applies {@code layer} to {@code inputs} whose masks are {@code masks} (null, or null entries, for none) and
     * returns the output with its mask.
     */
    public static Masked call(Layer layer, Tensor[] inputs, Tensor[] masks) {
        boolean anyMask = false;
        if (masks != null) for (Tensor m : masks) anyMask |= m != null;
        if (layer instanceof Source source) {
            Tensor value = layer.apply(inputs);
            return new Masked(value, inputs.length == 1 ? checked(layer, source.computeMask(inputs[0]), inputs[0]) : null);
        }
        if (!anyMask) return new Masked(layer.apply(inputs), null);
        if (layer instanceof Consumer consumer) {
            return new Masked(consumer.applyMasked(inputs, masks), consumer.outputMask(masks));
        }
        Tensor value = layer.apply(inputs);
        return new Masked(value, layer.propagatesMask() ? combined(masks) : null);
    }

    /** The steps real in every input: the product of the masks given (null entries ignored). */
    static Tensor combined(Tensor[] masks) {
        Tensor all = null;
        for (Tensor m : masks) if (m != null) all = all == null ? m : all.mul(m);
        return all;
    }

    private static Tensor checked(Layer layer, Tensor mask, Tensor input) {
        if (mask == null) return null;
        int[] s = mask.shape(), x = input.shape();
        if (s.length != 2 || x.length < 2 || s[0] != x[0] || s[1] != x[1]) {
            throw new IllegalArgumentException(layer.name() + ": a mask must be [batch, time] = [" + (x.length > 0 ? x[0] : "?") + ", "
                    + (x.length > 1 ? x[1] : "?") + "], got " + Shape.str(s));
        }
        return mask;
    }
}
