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
 * Checks the gradients autograd computes for a user's own layer or model against finite differences, parameter by
 * parameter: the worst relative error |analytic - numeric| / max(|analytic| + |numeric|, 5% of the weight's largest
 * gradient) over a sample of each parameter's elements. In float32 a correct model reports errors around 1e-3 or
 * below; a wrong backward rule reports errors above 1e-2 (a rule off by 3% gives about 1.5e-2, one off by a factor
 * of 2 about 0.3).
 *
 * <p>How the numeric derivative is made trustworthy in float32: the loss carries rounding noise of at least 1e-7 of
 * its size (more when it is a small difference of large terms), so a central difference with step h is off by about
 * noise / h, and a small gradient (an LSTM's recurrent weights, 1e-4 next to a loss of 1) drowns in it at a fixed
 * small step. So the noise is first measured on a few probes (as ECnoise does, Moré and Wild); each element then gets the smallest
 * step whose noise error fits a quarter of the error budget for that element's gradient size (at most 0.3 of the
 * weight's scale), and the differences at h and h/2 are combined by Richardson extrapolation, which cancels their
 * h^2 truncation terms. The element's error bound is the noise bound, plus the disagreement of the two steps
 * (truncation, or a kink within reach), plus any jump of the slope at the point itself (seen in the two second
 * differences, e.g. a ReLU input exactly at 0). An element is compared only when its bound is below a quarter of the
 * 1e-2 threshold, so numerical error alone cannot fail a correct rule; the others are counted as not checked.
 *
 * <pre>{@code
 * for (GradientCheck.Result r : GradientCheck.of(model, () -> lossFn.apply(y, model.apply(x)), 20))
 *     System.out.println(r);
 * }</pre>
 */
public final class GradientCheck {

    /** Relative error above which a parameter is reported wrong. */
    static final double THRESHOLD = 1e-2;
    /** An element is compared only if its numeric derivative is known to within this fraction of its size. */
    private static final double BUDGET = THRESHOLD / 4;
    /** Gradients below this fraction of the weight's largest are judged on that scale (float32 noise in a dead unit). */
    private static final double FLOOR = 0.05;
    /** Step limits as fractions of max(1, |w|): well above w's float32 resolution, and small enough to stay local. */
    private static final double MIN_STEP = 1e-4, MAX_STEP = 0.3;

    /**
     * The outcome for one parameter: of {@code sampled} elements, {@code checked} were compared (the others had no
     * stable finite difference: a kink within reach, or a gradient below what the float32 loss resolves). A
     * parameter none of whose elements could be checked has not passed: nothing was verified.
     */
    public record Result(String parameter, int sampled, int checked, double worstRelativeError) {
        public boolean passed() {
            return checked > 0 && worstRelativeError < THRESHOLD;
        }

        /** Checked elements that disagree: the backward rule looks wrong. */
        public boolean disagrees() {
            return checked > 0 && !passed();
        }

        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "%-28s %4d of %d checked  worst relative error %.2e  %s", parameter, checked, sampled,
                    worstRelativeError, checked == 0 ? "not checked (no sampled element has a stable finite difference: kinks, or gradients"
                            + " too small for float32)" : passed() ? "ok" : "WRONG?");
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
            double base = scalar.get().item();
            List<int[]> orders = new ArrayList<>();
            for (Tensor t : params) orders.add(rng.permutation(t.size()));
            double noise = noise(scalar, params, orders, base);
            for (int p = 0; p < weights.size(); p++) {
                float[] w = params.get(p).data();
                float[] g = analytic.get(p) == null ? new float[w.length] : analytic.get(p).data();
                int n = Math.min(perWeight, w.length);
                int[] order = orders.get(p);
                double scale = 0;
                for (float v : g) scale = Math.max(scale, Math.abs(v));
                double floor = FLOOR * scale, worst = 0;
                int checked = 0;
                for (int k = 0; k < n; k++) {
                    int i = order[k];
                    Numeric numeric = Numeric.of(scalar, w, i, step(w[i], Math.max(Math.abs(g[i]), floor), noise), base, noise);
                    double size = Math.max(Math.abs(g[i]) + Math.abs(numeric.value), floor);
                    if (!(numeric.error <= BUDGET * size)) continue; // also skips a NaN or an all-zero weight's noise
                    checked++;
                    worst = Math.max(worst, Math.abs(g[i] - numeric.value) / size);
                }
                results.add(new Result(weights.get(p).name(), n, checked, worst));
            }
        }
        return results;
    }

    /**
     * The smallest step (fewest kinks in reach, least truncation) whose noise bound, 6 s / h for loss noise s (see
     * {@link Numeric}), is a quarter of the budget for a gradient of the given size.
     */
    private static float step(float w, double gradientSize, double noise) {
        double unit = Math.max(1, Math.abs(w));
        double wanted = 4 * 6 * noise / (BUDGET * gradientSize);
        return (float) Math.min(Math.max(wanted, MIN_STEP * unit), MAX_STEP * unit);
    }

    /**
     * The standard deviation of the loss's computational noise, after Moré and Wild's ECnoise: the losses at seven
     * points w[i] + j t (j = -3..3, t tiny) are smooth far below float32 resolution, so their fourth differences d4
     * are noise alone, and gamma_4 mean(d4^2) with gamma_4 = (4!)^2 / 8! estimates its variance. One probe per
     * weight, pooled (probes on which the loss does not move at all carry no information). This sees noise far above
     * ulp(loss), e.g. a cross-entropy near 0 computed from logits of 20; it is never below the final rounding's.
     */
    private static double noise(Supplier<Tensor> scalar, List<Tensor> params, List<int[]> orders, double base) {
        double sum = 0;
        int count = 0;
        for (int p = 0; p < params.size(); p++) {
            float[] w = params.get(p).data();
            if (w.length == 0) continue;
            int i = orders.get(p)[0];
            float saved = w[i];
            double t = MIN_STEP * Math.max(1, Math.abs(saved));
            double[] f = new double[7];
            for (int j = 0; j < f.length; j++) {
                w[i] = (float) (saved + (j - 3) * t);
                f[j] = scalar.get().item();
            }
            w[i] = saved;
            double probe = 0;
            for (int s = 0; s + 4 < f.length; s++) {
                double d4 = f[s] - 4 * f[s + 1] + 6 * f[s + 2] - 4 * f[s + 3] + f[s + 4];
                probe += d4 * d4;
            }
            if (probe == 0) continue;
            sum += probe;
            count += f.length - 4;
        }
        double ecnoise = count == 0 ? 0 : Math.sqrt(sum / count * 576 / 40320);
        return Math.max(ecnoise, Math.ulp((float) base) / Math.sqrt(12));
    }

    /** A numeric derivative and a bound on its error. */
    private record Numeric(double value, double error) {

        /** From the loss at w[i] +- h and +- h/2 (w[i] restored afterwards) and at w[i] itself ({@code base}). */
        static Numeric of(Supplier<Tensor> scalar, float[] w, int i, float h, double base, double noise) {
            Difference coarse = Difference.of(scalar, w, i, h, base), fine = Difference.of(scalar, w, i, h / 2, base);
            // Noise of standard deviation s in each loss gives the extrapolation (4 fine - coarse) / 3 a standard
            // deviation of 1.9 s / h and the slope-jump estimate below one of 5 s / h: bounds of 3 of them.
            double rounding = 6 * noise / h;
            // The steps' disagreement: 3 times the h^2 error left in the fine one, so generous for the extrapolation;
            // for one kink at distance d in (0, h) of the point, it and the jump term together bound the error.
            double truncation = Math.abs(fine.slope - coarse.slope);
            // A kink at the point itself (slopes a and b either side) leaves both central differences at (a + b) / 2;
            // the second differences then grow as 1 / step, and h |fine - coarse| / 2 = |b - a| / 2 is that error.
            double jump = Math.max(0, h * Math.abs(fine.curvature - coarse.curvature) / 2 - 15 * noise / h);
            return new Numeric((4 * fine.slope - coarse.slope) / 3, rounding + truncation + jump);
        }
    }

    /** The central difference (slope) and second difference (curvature) at one step, from the losses either side. */
    private record Difference(double slope, double curvature) {

        static Difference of(Supplier<Tensor> scalar, float[] w, int i, float h, double base) {
            float saved = w[i], up = saved + h, down = saved - h;
            w[i] = up;
            double plus = scalar.get().item();
            w[i] = down;
            double minus = scalar.get().item();
            w[i] = saved;
            // The steps actually taken, as float32 represents saved +- h.
            double right = (double) up - saved, left = (double) saved - down;
            double curvature = ((plus - base) / right - (base - minus) / left) * 2 / (right + left);
            return new Difference((plus - minus) / (right + left), curvature);
        }
    }
}
