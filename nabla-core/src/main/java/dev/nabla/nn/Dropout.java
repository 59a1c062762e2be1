package dev.nabla.nn;

import dev.nabla.tensor.Tensor;

import java.util.Map;

/**
 * Zeroes each input with probability {@code rate} during training and scales the rest by 1 / (1 - rate) (inverted
 * dropout), so inference is the identity. Masks come from the layer's seeded generator.
 */
public class Dropout extends Layer {

    private final double rate;

    public Dropout(double rate) {
        this(null, rate);
    }

    public Dropout(String name, double rate) {
        super(name);
        if (!(rate >= 0 && rate < 1)) throw new IllegalArgumentException("Dropout: rate must be in [0, 1), got " + rate);
        this.rate = rate;
    }

    /** Works on each step alone, so a padding mask passes through (see {@link Masks}). */
    @Override
    public boolean propagatesMask() {
        return true;
    }

    @Override
    protected Tensor forward(Tensor x) {
        if (!isTraining() || rate == 0) return x;
        float keep = (float) (1 - rate), scale = 1f / keep;
        float[] mask = new float[x.size()];
        var rng = rng();
        for (int i = 0; i < mask.length; i++) mask[i] = rng.nextFloat() < keep ? scale : 0f;
        return x.mul(Tensor.of(mask, x.shape()));
    }

    public double rate() {
        return rate;
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("rate", rate);
        return c;
    }
}
