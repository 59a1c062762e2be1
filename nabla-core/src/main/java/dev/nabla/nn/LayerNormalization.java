package dev.nabla.nn;

import dev.nabla.tensor.Tensor;

import java.util.Map;

/** Normalises each sample over its last axis to mean 0 and variance 1, then scales by gamma and shifts by beta. */
public class LayerNormalization extends Layer {

    private final double epsilon;
    private Tensor gamma;
    private Tensor beta;

    /** eps 1e-5, as PyTorch's LayerNorm. */
    public LayerNormalization() {
        this(null, 1e-5);
    }

    public LayerNormalization(String name, double epsilon) {
        super(name);
        if (!(epsilon > 0)) throw new IllegalArgumentException("LayerNormalization: epsilon must be positive, got " + epsilon);
        this.epsilon = epsilon;
    }

    @Override
    protected void build(int[] inputShape) {
        int features = inputShape[inputShape.length - 1];
        gamma = addWeight("gamma", new int[] {features}, Initializers.ones(), true);
        beta = addWeight("beta", new int[] {features}, Initializers.zeros(), true);
    }

    /** Works on each step alone, so a padding mask passes through (see {@link Masks}). */
    @Override
    public boolean propagatesMask() {
        return true;
    }

    @Override
    protected Tensor forward(Tensor x) {
        int features = gamma.size();
        if (x.rank() < 1 || x.dim(x.rank() - 1) != features) throw shapeError("[*, " + features + "]", x.shape());
        int last = x.rank() - 1;
        Tensor centred = x.sub(x.mean(new int[] {last}, true));
        Tensor variance = centred.square().mean(new int[] {last}, true);
        return centred.div(variance.add((float) epsilon).sqrt()).mul(gamma).add(beta);
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("epsilon", epsilon);
        return c;
    }
}
