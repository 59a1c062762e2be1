package dev.nabla.nn.losses;

import dev.nabla.autograd.Autograd;
import dev.nabla.kernels.UnaryOp;
import dev.nabla.tensor.Tensor;

/**
 * Binary cross-entropy of logits as one elementwise op: {@code max(z, 0) - z t + log(1 + e^-|z|)}, the stable form
 * of {@code -(t log s(z) + (1 - t) log(1 - s(z)))}. One op with its own gradient {@code s(z) - t} (and {@code -z} for
 * the targets), because that formula composed from relu and abs has kinks at z = 0 that the loss itself does not
 * have: their subgradients gave {@code -t} at a logit of exactly 0, where a zero-initialised output layer starts,
 * instead of {@code 0.5 - t}.
 */
final class BinaryCrossEntropy {

    private BinaryCrossEntropy() {}

    /** The elementwise loss of logits z against targets t of the same shape. */
    static Tensor fromLogits(Tensor z, Tensor t) {
        float[] x = z.data(), y = t.data(), out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (float) (Math.max(x[i], 0) - (double) x[i] * y[i] + Math.log1p(Math.exp(-Math.abs(x[i]))));
        }
        return Autograd.record("binary_crossentropy_logits",
                () -> "for L = max(z, 0) - z t + log(1 + e^-|z|): dz = sigmoid(z) - t and dt = -z", Tensor.of(out, z.shape()),
                (g, need) -> {
            float[] gd = g.data();
            float[] dz = need[0] ? new float[x.length] : null, dt = need[1] ? new float[x.length] : null;
            for (int i = 0; i < x.length; i++) {
                if (dz != null) dz[i] = gd[i] * (UnaryOp.sigmoid(x[i]) - y[i]);
                if (dt != null) dt[i] = -gd[i] * x[i];
            }
            return new Tensor[] {dz == null ? null : Tensor.of(dz, z.shape()), dt == null ? null : Tensor.of(dt, t.shape())};
        }, z, t);
    }
}
