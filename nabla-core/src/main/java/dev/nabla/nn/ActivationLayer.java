package dev.nabla.nn;

import dev.nabla.tensor.Tensor;

import java.util.Map;

/** Applies an {@link Activation} on its own: {@code new ActivationLayer(Activation.RELU)}. */
public class ActivationLayer extends Layer {

    private final Activation activation;

    public ActivationLayer(Activation activation) {
        this(null, activation);
    }

    public ActivationLayer(String name, Activation activation) {
        super(name);
        this.activation = activation;
    }

    public Activation activation() {
        return activation;
    }

    /** Works on each step alone, so a padding mask passes through (see {@link Masks}). */
    @Override
    public boolean propagatesMask() {
        return true;
    }

    @Override
    protected Tensor forward(Tensor x) {
        return activation.apply(x);
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("activation", activation.configName());
        return c;
    }
}
