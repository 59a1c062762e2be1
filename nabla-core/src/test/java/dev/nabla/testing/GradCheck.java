package dev.nabla.testing;

import dev.nabla.autograd.Autograd;
import dev.nabla.tensor.Rng;
import dev.nabla.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Checks a differentiable Nabla op against an independent double-precision reference: the forward values, and the
 * float32 analytic gradient of {@code sum(upstream * f(x))} against central differences of the same sum computed on
 * the reference in double precision. The upstream gradient is random (seeded), so a rule that is wrong only for
 * some output positions cannot hide behind a uniform seed.
 *
 * <pre>{@code
 * DArray a = DArray.of(new double[] {0.5, -1.2, 2.0}), b = DArray.of(new double[] {1.5});
 * GradCheck.check(in -> in[0].mul(in[1]),                      // Nabla, float32
 *                 in -> DArray.zip(in[0], in[1], (x, y) -> x * y),  // reference, double
 *                 a, b)
 *          .assertPassed();
 * }</pre>
 *
 * Inputs are rounded to float32 first, so both sides are evaluated at exactly the same point. Keep inputs away from
 * points where the op is not differentiable (0 for relu and abs, ties for max and min, the bounds of clamp): central
 * differences straddling a kink measure the average of the two one-sided slopes, not either of them.
 * Every input is differentiated; constants an op needs (indices, masks) belong in its closure.
 */
public final class GradCheck {

    /** The op under test, on float32 tensors that require grad. */
    @FunctionalInterface
    public interface TensorFn {
        Tensor apply(Tensor[] inputs);
    }

    /** The same maths in double precision, written independently of Nabla (see {@link DArray}). */
    @FunctionalInterface
    public interface ReferenceFn {
        DArray apply(DArray[] inputs);
    }

    private double step = 1e-6;
    private double gradRtol = 1e-3;
    private double gradAtol = 1e-4;
    private double forwardRtol = 1e-4;
    private double forwardAtol = 1e-5;
    private long seed = 20240601L;

    /** A checker with the default tolerances (gradients 1e-3 relative, forward 1e-4 relative, step 1e-6). */
    public static GradCheck create() {
        return new GradCheck();
    }

    /** Runs the default checker. */
    public static Report check(TensorFn op, ReferenceFn reference, DArray... inputs) {
        return new GradCheck().run(op, reference, inputs);
    }

    /** Central-difference step h (absolute). */
    public GradCheck step(double h) {
        this.step = h;
        return this;
    }

    /**
     * Gradient tolerance: element passes if |analytic - numeric| &le; rtol |numeric| + atol max(1, max |numeric| of
     * that input). The absolute part scales with the input's largest gradient so float32 cancellation in an entry
     * near zero is not mistaken for a wrong rule.
     */
    public GradCheck gradTolerance(double rtol, double atol) {
        this.gradRtol = rtol;
        this.gradAtol = atol;
        return this;
    }

    /** Forward tolerance, with the same form as {@link #gradTolerance}. */
    public GradCheck forwardTolerance(double rtol, double atol) {
        this.forwardRtol = rtol;
        this.forwardAtol = atol;
        return this;
    }

    /** Seed of the random upstream gradient. */
    public GradCheck seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** Checks forward values and the gradients with respect to every input. */
    public Report run(TensorFn op, ReferenceFn reference, DArray... inputs) {
        List<String> failures = new ArrayList<>();
        DArray[] x = new DArray[inputs.length];
        Tensor[] leaves = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            x[i] = inputs[i].roundedToFloat();
            leaves[i] = x[i].toTensor().requiresGrad(true);
        }
        Tensor y = op.apply(leaves);
        DArray expected = reference.apply(x);
        double forwardWorst = compare("forward", DArray.of(y), expected, forwardRtol, forwardAtol, failures);
        if (!failures.isEmpty() && !Arrays.equals(y.shape(), expected.shape())) return new Report(failures, forwardWorst, Double.NaN);

        DArray upstream = randomUpstream(expected.shape());
        if (!y.requiresGrad()) {
            failures.add("the op's output does not require grad: nothing was recorded");
            return new Report(failures, forwardWorst, Double.NaN);
        }
        List<Tensor> analytic = Autograd.grad(y, Arrays.asList(leaves), upstream.toTensor(), false);
        double gradWorst = 0;
        for (int i = 0; i < inputs.length; i++) {
            DArray numeric = numericGradient(reference, x, upstream, i, step);
            gradWorst = Math.max(gradWorst,
                    compare("gradient of input " + i, DArray.of(analytic.get(i)), numeric, gradRtol, gradAtol, failures));
        }
        return new Report(failures, forwardWorst, gradWorst);
    }

    /**
     * d/dx_i of sum(upstream * reference(x)) by central differences in double precision. The inputs are perturbed
     * in place and restored.
     */
    public static DArray numericGradient(ReferenceFn reference, DArray[] x, DArray upstream, int input, double h) {
        double[] v = x[input].data();
        double[] g = new double[v.length];
        for (int j = 0; j < v.length; j++) {
            double saved = v[j];
            v[j] = saved + h;
            double plus = reference.apply(x).dot(upstream);
            v[j] = saved - h;
            double minus = reference.apply(x).dot(upstream);
            v[j] = saved;
            g[j] = (plus - minus) / (2 * h);
        }
        return DArray.of(g, x[input].shape());
    }

    private DArray randomUpstream(int[] shape) {
        Rng rng = new Rng(seed);
        double[] d = new double[DArray.size(shape)];
        for (int i = 0; i < d.length; i++) d[i] = rng.nextGaussian();
        return (shape.length == 0 ? DArray.scalar(d[0]) : DArray.of(d, shape.clone())).roundedToFloat();
    }

    /** Records failures; returns the worst error as a fraction of its tolerance (above 1 fails). */
    private static double compare(String what, DArray actual, DArray expected, double rtol, double atol, List<String> failures) {
        if (!Arrays.equals(actual.shape(), expected.shape())) {
            failures.add(what + ": shape " + Arrays.toString(actual.shape()) + ", expected " + Arrays.toString(expected.shape()));
            return Double.POSITIVE_INFINITY;
        }
        double scale = Math.max(1, expected.maxAbs());
        double worst = 0;
        int worstAt = -1;
        double[] a = actual.data(), e = expected.data();
        for (int j = 0; j < a.length; j++) {
            double tol = rtol * Math.abs(e[j]) + atol * scale;
            double ratio = Math.abs(a[j] - e[j]) / tol;
            if (Double.isNaN(ratio)) ratio = Double.POSITIVE_INFINITY;
            if (ratio > worst) {
                worst = ratio;
                worstAt = j;
            }
        }
        if (worst > 1) {
            failures.add(String.format("%s: at flat index %d got %.8g, expected %.8g (error %.2f x tolerance)%n  got      %s%n  expected %s",
                    what, worstAt, a[worstAt], e[worstAt], worst, Arrays.toString(a), Arrays.toString(e)));
        }
        return worst;
    }

    /** The outcome: which comparisons failed, and the worst error of each kind as a fraction of its tolerance. */
    public static final class Report {
        private final List<String> failures;
        private final double forwardError;
        private final double gradientError;

        Report(List<String> failures, double forwardError, double gradientError) {
            this.failures = List.copyOf(failures);
            this.forwardError = forwardError;
            this.gradientError = gradientError;
        }

        public boolean passed() {
            return failures.isEmpty();
        }

        public List<String> failures() {
            return failures;
        }

        /** Worst forward error divided by its tolerance. */
        public double forwardError() {
            return forwardError;
        }

        /** Worst gradient error divided by its tolerance (NaN if the gradients were not reached). */
        public double gradientError() {
            return gradientError;
        }

        /** Throws an AssertionError listing every failed comparison. */
        public void assertPassed() {
            if (!passed()) throw new AssertionError("gradient check failed:\n" + String.join("\n", failures));
        }

        @Override
        public String toString() {
            return passed() ? String.format("passed (forward %.3f, gradient %.3f of tolerance)", forwardError, gradientError)
                    : "failed: " + failures;
        }
    }
}
