package dev.nabla.nn;

import dev.nabla.autograd.Autograd;
import dev.nabla.autograd.StepArrays;
import dev.nabla.kernels.ColumnSums;
import dev.nabla.kernels.LayerNorm;
import dev.nabla.kernels.RecycledArrays;
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
        return normalize(x, gamma, beta, (float) epsilon);
    }

    /**
     * {@code (x - mean) / sqrt(var + eps) * gamma + beta} over the last axis as one op (the composed form is nine ops
     * and their backward passes, a fifth of a small Transformer's step), saving the normalised values and 1/std for
     * the backward rule.
     */
    static Tensor normalize(Tensor x, Tensor gamma, Tensor beta, float epsilon) {
        int d = gamma.size(), rows = x.size() / d;
        float[] xs = x.data(), g = gamma.data(), b = beta.data();
        float[] y = StepArrays.forOutput(xs.length, x, gamma, beta), xhat = StepArrays.forOutput(xs.length, x, gamma, beta);
        float[] rstd = new float[rows];
        LayerNorm.forward(xs, g, b, epsilon, xhat, y, rstd);
        Tensor out = Tensor.of(y, x.shape());
        return Autograd.record("layer_norm", () -> "for y = xhat * gamma + beta, xhat = (x - mean) / std over the last axis: "
                + "dgamma = sum of dy * xhat, dbeta = sum of dy over the rows, dx = (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)) / std"
                + " with dxhat = dy * gamma", out, (grad, need) -> {
            float[] dy = grad.data();
            float[] dx = need[0] ? RecycledArrays.take(xs.length) : null;
            if (dx != null) LayerNorm.inputGradient(dy, g, xhat, rstd, dx);
            float[] dg = need[1] ? new float[d] : null, db = need[2] ? new float[d] : null;
            if (dg != null) ColumnSums.addProductsInto(dy, xhat, rows, d, dg);
            if (db != null) ColumnSums.addInto(dy, 0, rows, d, db, 0);
            return new Tensor[] {dx == null ? null : Tensor.ofRecyclable(dx, x.shape()), dg == null ? null : Tensor.of(dg, d),
                    db == null ? null : Tensor.of(db, d)};
        }, x, gamma, beta);
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("epsilon", epsilon);
        return c;
    }
}
