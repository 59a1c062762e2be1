package dev.nabla.explain;

import dev.nabla.autograd.Autograd;
import dev.nabla.autograd.NoGrad;
import dev.nabla.nn.Layer;
import dev.nabla.nn.Weight;
import dev.nabla.tensor.Rng;
import dev.nabla.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Checks the gradients autograd computes for a user's own layer or model against central differences, parameter by
 * parameter: the worst relative error |analytic - numeric| / max(|analytic| + |numeric|, 5% of the weight's largest
 * gradient, 1e-3) over a sample of each
 * parameter's elements. Elements next to a kink (where two step sizes disagree, e.g. a ReLU input near 0) are skipped. In float32 a correct model reports errors around 1e-3 or below; a wrong backward rule
 * reports errors near 1.
 *
 * <pre>{@code
 * for (GradientCheck.Result r : GradientCheck.of(model, () -> lossFn.apply(y, model.apply(x)), 20))
 *     System.out.println(r);
 * }</pre>
 */
public final class GradientCheck {

    /**
     * The outcome for one parameter: of {@code sampled} elements, {@code checked} were compared (the others sat
     * next to a kink). A parameter none of whose elements could be checked has not passed: nothing was verified.
     */
    public record Result(String parameter, int sampled, int checked, double worstRelativeError) {
        public boolean passed() {
            return checked > 0 && worstRelativeError < 1e-2;
        }

        /** Checked elements that disagree: the backward rule looks wrong. */
        public boolean disagrees() {
            return checked > 0 && !passed();
        }

        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "%-28s %4d of %d checked  worst relative error %.2e  %s", parameter, checked, sampled,
                    worstRelativeError, checked == 0 ? "not checked (every sampled element is next to a kink)" : passed() ? "ok" : "WRONG?");
        }
    }

    private GradientCheck() {}

    /**
     * @param layer      the model or layer whose trainable weights are checked
     * @param scalar     computes the scalar to differentiate (e.g. the loss of a fixed batch) from the current weights
     * @param perWeight  how many elements of each weight to check (sampled with a fixed seed)
     */
    public static List<Result> of(Layer layer, Supplier<Tensor> scalar, int perWeight) {
        List<Weight> weights = new ArrayList<>();
        for (Weight w : layer.weights()) if (w.trainable()) weights.add(w);
        for (Weight w : weights) w.value().zeroGrad();
        Tensor value = scalar.get();
        if (value.size() != 1) throw new IllegalArgumentException("GradientCheck: the function must return a scalar, got shape " + java.util.Arrays.toString(value.shape()));
        List<Tensor> params = new ArrayList<>();
        for (Weight w : weights) params.add(w.value());
        List<Tensor> analytic = Autograd.grad(value, params);
        List<Result> results = new ArrayList<>();
        Rng rng = new Rng(1);
        try (NoGrad ignored = Autograd.noGrad()) {
            for (int p = 0; p < weights.size(); p++) {
                float[] w = params.get(p).data();
                float[] g = analytic.get(p) == null ? new float[w.length] : analytic.get(p).data();
                int n = Math.min(perWeight, w.length);
                int[] order = rng.permutation(w.length);
                double worst = 0;
                int checked = 0;
                // Errors are relative to the weight's gradient scale too, so float32 noise in a near-zero entry
                // (a unit dead for these rows) is not mistaken for a wrong rule.
                double scale = 0;
                for (float v : g) scale = Math.max(scale, Math.abs(v));
                double floor = Math.max(1e-3, 0.05 * scale);
                for (int k = 0; k < n; k++) {
                    int i = order[k];
                    float h = 2e-3f * Math.max(1f, Math.abs(w[i]));
                    double coarse = centralDifference(scalar, w, i, h), fine = centralDifference(scalar, w, i, h / 2);
                    // Two step sizes that disagree mean a kink (e.g. ReLU at 0) within reach: no derivative to compare there.
                    if (Math.abs(coarse - fine) > 0.05 * Math.max(Math.abs(coarse) + Math.abs(fine), 1e-3)) continue;
                    checked++;
                    double err = Math.abs(g[i] - coarse) / Math.max(Math.abs(g[i]) + Math.abs(coarse), floor);
                    worst = Math.max(worst, err);
                }
                results.add(new Result(weights.get(p).name(), n, checked, worst));
            }
        }
        return results;
    }

    private static double centralDifference(Supplier<Tensor> scalar, float[] w, int i, float h) {
        float saved = w[i];
        w[i] = saved + h;
        double plus = scalar.get().item();
        w[i] = saved - h;
        double minus = scalar.get().item();
        w[i] = saved;
        return (plus - minus) / (2.0 * h);
    }
}
