package dev.nabla.nn.losses;

import dev.nabla.autograd.Autograd;
import dev.nabla.tensor.Tensor;

/**
 * Categorical cross-entropy as one op: per row i (a position of [batch, ..., classes] predictions),
 * {@code -sum_j w[i, j] log q[i, j]}, where q is the log-softmax of logits or the probabilities clipped to [{@link Losses#EPSILON}, 1 - EPSILON], and w is a one-hot row (class-index
 * targets) or the given target row; then reduced. The same values and gradients as the composed ops
 * (log-softmax or clamp and log, then gather or multiply and sum, then mean) in one pass and one graph node:
 * a small classifier's step spent more time on that chain of ops than on its layers.
 *
 * <p>Class-index targets may mark a row {@link #IGNORED}: it adds nothing to the loss, gets no gradient, and the
 * mean is over the other rows (PyTorch's {@code ignore_index}); with every row ignored the loss is 0.
 *
 * <p>Gradients: from logits {@code g_i (softmax(z)_ij sum_j w_ij - w_ij)}; from probabilities
 * {@code -g_i w_ij / p_ij} where p lies inside the clipping range (else 0, as clamp's); for target rows
 * {@code -g_i log q_ij}.
 */
final class CrossEntropy {

    /** A class-index target that marks its row as ignored. */
    static final int IGNORED = -1;

    private static final String SPARSE_RULE = "for L = -log q[target]: from probabilities dp = -1/p at the target"
            + " (0 where clipped), from logits dz = softmax(z) - onehot(target); 0 for ignored rows; divided by the number"
            + " of rows kept for the mean";
    private static final String DENSE_RULE = "for L = -sum t log q: from probabilities dp = -t/p (0 where clipped), from"
            + " logits dz = softmax(z) * sum(t) - t; dt = -log q; divided by the batch size for the mean";

    private CrossEntropy() {}

    /** Class-index targets: {@code classes[i]} is row i's class, or {@link #IGNORED}. */
    static Tensor sparse(Tensor p, int[] classes, boolean fromLogits, Reduction reduction) {
        return apply(p, classes, null, fromLogits, reduction);
    }

    /** One-hot or soft target rows of p's shape [batch, classes]. */
    static Tensor dense(Tensor p, Tensor targets, boolean fromLogits, Reduction reduction) {
        return apply(p, null, targets, fromLogits, reduction);
    }

    private static Tensor apply(Tensor p, int[] classes, Tensor targets, boolean fromLogits, Reduction reduction) {
        int[] shape = p.shape();
        int c = shape[shape.length - 1], n = p.size() / c;
        float[] x = p.data(), w = targets == null ? null : targets.data();
        // log q: from logits for every entry (the backward pass needs their softmax); from probabilities only where it
        // enters the loss, at the target or a non-zero target weight (W3's one-hot rows: one log in three).
        float[] logq = new float[n * c];
        float[] perSample = new float[n];
        double total = 0;
        int kept = 0;
        for (int i = 0; i < n; i++) {
            if (classes != null && classes[i] == IGNORED) continue;
            kept++;
            int row = i * c;
            if (fromLogits) {
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < c; j++) max = Math.max(max, x[row + j]);
                double sum = 0;
                for (int j = 0; j < c; j++) sum += Math.exp(x[row + j] - max);
                float logSum = max + (float) Math.log(sum);
                for (int j = 0; j < c; j++) logq[row + j] = x[row + j] - logSum;
            } else if (classes != null) { // only the target's probability enters the loss and its gradient
                logq[row + classes[i]] = logClipped(x[row + classes[i]]);
            } else { // only entries with a target weight enter the loss; dt's others are found when it is asked for
                for (int j = 0; j < c; j++) if (w[row + j] != 0f) logq[row + j] = logClipped(x[row + j]);
            }
            double loss = 0;
            if (classes != null) {
                loss = -logq[row + classes[i]];
            } else {
                for (int j = 0; j < c; j++) if (w[row + j] != 0f) loss -= (double) w[row + j] * logq[row + j];
            }
            perSample[i] = (float) loss;
            total += loss;
        }
        int rows = kept;
        Tensor out;
        switch (reduction) {
            case MEAN: out = Tensor.scalar(rows == 0 ? 0f : (float) (total / rows)); break;
            case SUM: out = Tensor.scalar((float) total); break;
            default: out = Tensor.of(perSample, java.util.Arrays.copyOf(shape, shape.length - 1)); break;
        }
        Tensor[] inputs = targets == null ? new Tensor[] {p} : new Tensor[] {p, targets};
        String name = classes != null ? "sparse_categorical_crossentropy" : "categorical_crossentropy";
        return Autograd.record(name, () -> classes != null ? SPARSE_RULE : DENSE_RULE, out, (g, need) -> {
            float[] gd = g.data();
            float scale = reduction == Reduction.MEAN ? (rows == 0 ? 0f : 1f / rows) : 1f;
            float[] dp = need[0] ? new float[n * c] : null;
            float[] dt = need.length > 1 && need[1] ? new float[n * c] : null;
            for (int i = 0; i < n; i++) {
                if (classes != null && classes[i] == IGNORED) continue;
                int row = i * c;
                float gi = (reduction == Reduction.NONE ? gd[i] : gd[0]) * scale;
                if (dp != null) {
                    if (fromLogits) {
                        float weight = 1f;
                        if (classes == null) {
                            weight = 0f;
                            for (int j = 0; j < c; j++) weight += w[row + j];
                        }
                        for (int j = 0; j < c; j++) dp[row + j] = gi * weight * (float) Math.exp(logq[row + j]);
                        if (classes != null) dp[row + classes[i]] -= gi;
                        else for (int j = 0; j < c; j++) dp[row + j] -= gi * w[row + j];
                    } else if (classes != null) {
                        int j = row + classes[i];
                        if (insideClip(x[j])) dp[j] = -gi / x[j];
                    } else {
                        for (int j = row; j < row + c; j++) if (insideClip(x[j])) dp[j] = -gi * w[j] / x[j];
                    }
                }
                if (dt != null) {
                    for (int j = row; j < row + c; j++) dt[j] = -gi * (fromLogits || w[j] != 0f ? logq[j] : logClipped(x[j]));
                }
            }
            Tensor[] grads = new Tensor[inputs.length];
            if (dp != null) grads[0] = Tensor.of(dp, shape);
            if (dt != null) grads[1] = Tensor.of(dt, shape);
            return grads;
        }, inputs);
    }

    private static float logClipped(float v) {
        return (float) Math.log(clip(v));
    }

    private static float clip(float v) {
        return Math.min(1f - Losses.EPSILON, Math.max(Losses.EPSILON, v));
    }

    private static boolean insideClip(float v) {
        return v >= Losses.EPSILON && v <= 1f - Losses.EPSILON;
    }
}
