package dev.nabla.tensor;

import dev.nabla.testing.DArray;
import dev.nabla.testing.GradCheck;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;

/**
 * Every differentiable tensor op, in one table: forward against an independent double-precision reference, and
 * the backward rule against central differences of that reference (see {@link GradCheck}). Shapes include
 * broadcasting; inputs stay away from kinks (0 for relu / abs, ties for max / min).
 */
public class OpGradientTest {

    /** One op of the table (also run by the explanation tests, which check that each op explains its rule). */
    public record Case(String name, GradCheck.TensorFn op, GradCheck.ReferenceFn reference, DArray... inputs) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final Rng RNG = new Rng(7);

    /** Random normal values. */
    static DArray randn(int... shape) {
        double[] d = new double[DArray.size(shape)];
        for (int i = 0; i < d.length; i++) d[i] = RNG.nextGaussian();
        return DArray.of(d, shape);
    }

    /** Values with |x| in [lo, hi] and a random sign (away from 0). */
    static DArray awayFromZero(double lo, double hi, int... shape) {
        double[] d = new double[DArray.size(shape)];
        for (int i = 0; i < d.length; i++) d[i] = (RNG.nextDouble() < 0.5 ? -1 : 1) * (lo + (hi - lo) * RNG.nextDouble());
        return DArray.of(d, shape);
    }

    static DArray positive(double lo, double hi, int... shape) {
        double[] d = new double[DArray.size(shape)];
        for (int i = 0; i < d.length; i++) d[i] = lo + (hi - lo) * RNG.nextDouble();
        return DArray.of(d, shape);
    }

    /** Distinct values (a shuffled ramp), so max / min have no ties. */
    static DArray distinct(int... shape) {
        int n = DArray.size(shape);
        int[] perm = RNG.permutation(n);
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = (perm[i] - n / 2.0) * 0.37;
        return DArray.of(d, shape);
    }

    static Case unary(String name, java.util.function.UnaryOperator<Tensor> op, DoubleUnaryOperator ref, DArray x) {
        return new Case(name, in -> op.apply(in[0]), in -> in[0].map(ref), x);
    }

    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    static DArray softmaxLast(DArray x, boolean log) {
        DArray lse = x.logsumexp(new int[] {x.rank() - 1}, true);
        DArray logp = x.sub(lse);
        return log ? logp : logp.map(Math::exp);
    }

    public static Stream<Case> cases() {
        List<Case> c = new ArrayList<>();
        int[] s = {3, 4};
        // Elementwise binary, with broadcasting.
        c.add(new Case("add broadcast", in -> in[0].add(in[1]), in -> in[0].add(in[1]), randn(2, 3, 4), randn(3, 1)));
        c.add(new Case("sub broadcast", in -> in[0].sub(in[1]), in -> in[0].sub(in[1]), randn(4), randn(3, 4)));
        c.add(new Case("mul broadcast", in -> in[0].mul(in[1]), in -> in[0].mul(in[1]), randn(2, 1, 4), randn(3, 1)));
        c.add(new Case("div broadcast", in -> in[0].div(in[1]), in -> in[0].div(in[1]), randn(3, 4), awayFromZero(0.5, 2, 4)));
        c.add(new Case("pow tensor", in -> in[0].pow(in[1]), in -> DArray.zip(in[0], in[1], Math::pow), positive(0.5, 2, 3, 4), randn(4)));
        c.add(new Case("maximum", in -> in[0].maximum(in[1]), in -> DArray.zip(in[0], in[1], Math::max), distinct(3, 4), distinct(3, 4).map(v -> v + 0.11)));
        c.add(new Case("minimum", in -> in[0].minimum(in[1]), in -> DArray.zip(in[0], in[1], Math::min), distinct(3, 4), distinct(4).map(v -> v + 0.13)));
        c.add(new Case("where", in -> Tensor.where(in[0].gt(0f).detach(), in[0], in[1]),
                in -> DArray.zip(in[0], in[1], (a, b) -> a > 0 ? a : b), awayFromZero(0.2, 2, 3, 4), randn(3, 4)));
        // Elementwise unary.
        c.add(unary("neg", Tensor::neg, v -> -v, randn(s)));
        c.add(unary("pow scalar", t -> t.pow(3f), v -> v * v * v, randn(s)));
        c.add(unary("exp", Tensor::exp, Math::exp, randn(s)));
        c.add(unary("log", Tensor::log, Math::log, positive(0.3, 3, s)));
        c.add(unary("sqrt", Tensor::sqrt, Math::sqrt, positive(0.3, 3, s)));
        c.add(unary("abs", Tensor::abs, Math::abs, awayFromZero(0.1, 2, s)));
        c.add(unary("sign", t -> t.sign().add(t), v -> Math.signum(v) + v, awayFromZero(0.1, 2, s)));
        c.add(unary("square", Tensor::square, v -> v * v, randn(s)));
        c.add(unary("reciprocal", Tensor::reciprocal, v -> 1 / v, awayFromZero(0.5, 2, s)));
        c.add(unary("clamp", t -> t.clamp(-0.5f, 0.5f), v -> Math.max(-0.5, Math.min(0.5, v)), DArray.zip(awayFromZero(0.05, 0.4, s), awayFromZero(0.7, 1.5, s), (inside, outside) -> RNG.nextDouble() < 0.5 ? inside : outside)));
        c.add(unary("relu", Tensor::relu, v -> Math.max(0, v), awayFromZero(0.1, 2, s)));
        c.add(unary("leakyRelu", t -> t.leakyRelu(0.1f), v -> v > 0 ? v : 0.1 * v, awayFromZero(0.1, 2, s)));
        c.add(unary("elu", t -> t.elu(1f), v -> v > 0 ? v : Math.exp(v) - 1, awayFromZero(0.1, 2, s)));
        c.add(unary("gelu exact", t -> t.gelu(false), v -> 0.5 * v * (1 + DArray.erf(v / Math.sqrt(2))), randn(s)));
        c.add(unary("gelu tanh", t -> t.gelu(true), v -> 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v))), randn(s)));
        c.add(unary("sigmoid", Tensor::sigmoid, OpGradientTest::sigmoid, randn(s)));
        c.add(unary("tanh", Tensor::tanh, Math::tanh, randn(s)));
        c.add(unary("softplus", Tensor::softplus, v -> Math.log1p(Math.exp(v)), randn(s)));
        c.add(new Case("softmax", in -> in[0].softmax(-1), in -> softmaxLast(in[0], false), randn(3, 5)));
        c.add(new Case("logSoftmax", in -> in[0].logSoftmax(-1), in -> softmaxLast(in[0], true), randn(3, 5)));
        c.add(new Case("softmax axis 0", in -> in[0].softmax(0), in -> softmaxLast(in[0].transposeLast(), false).transposeLast(), randn(4, 3)));
        // Reductions.
        int[][] axisSets = {{}, {0}, {1}, {0, 2}, {-1}};
        for (int[] axes : axisSets) {
            for (boolean keep : new boolean[] {false, true}) {
                String k = java.util.Arrays.toString(axes) + (keep ? " keepDims" : "");
                int[] all = axes.length == 0 ? new int[] {0, 1, 2} : norm(axes, 3);
                c.add(new Case("sum " + k, in -> in[0].sum(axes, keep), in -> in[0].sum(all, keep), randn(2, 3, 4)));
                c.add(new Case("mean " + k, in -> in[0].mean(axes, keep), in -> in[0].mean(all, keep), randn(2, 3, 4)));
                c.add(new Case("max " + k, in -> in[0].max(axes, keep), in -> in[0].max(all, keep), distinct(2, 3, 4)));
                c.add(new Case("min " + k, in -> in[0].min(axes, keep), in -> in[0].min(all, keep), distinct(2, 3, 4)));
                c.add(new Case("var " + k, in -> in[0].var(axes, 1, keep), in -> in[0].var(all, 1, keep), randn(2, 3, 4)));
                c.add(new Case("std " + k, in -> in[0].std(axes, 0, keep), in -> in[0].var(all, 0, keep).map(Math::sqrt), randn(2, 3, 4)));
                c.add(new Case("logsumexp " + k, in -> in[0].logsumexp(axes, keep), in -> in[0].logsumexp(all, keep), randn(2, 3, 4)));
            }
        }
        // Linear algebra.
        c.add(new Case("matmul 2-D", in -> in[0].matmul(in[1]), in -> in[0].matmul(in[1]), randn(3, 4), randn(4, 5)));
        c.add(new Case("matmul batched broadcast", in -> in[0].matmul(in[1]), in -> in[0].matmul(in[1]), randn(2, 1, 3, 4), randn(3, 4, 2)));
        c.add(new Case("matmul sequence @ matrix", in -> in[0].matmul(in[1]), in -> in[0].matmul(in[1]), randn(2, 3, 4), randn(4, 5)));
        c.add(new Case("matmul sequence @ transposed matrix", in -> in[0].matmul(in[1], false, true), in -> in[0].matmul(in[1].transposeLast()),
                randn(2, 2, 3, 4), randn(5, 4)));
        c.add(new Case("matmul transposed A", in -> in[0].matmul(in[1], true, false), in -> in[0].transposeLast().matmul(in[1]), randn(4, 3), randn(4, 5)));
        c.add(new Case("matmul transposed B", in -> in[0].matmul(in[1], false, true), in -> in[0].matmul(in[1].transposeLast()), randn(3, 4), randn(5, 4)));
        c.add(new Case("matmul both transposed", in -> in[0].matmul(in[1], true, true), in -> in[0].transposeLast().matmul(in[1].transposeLast()), randn(2, 4, 3), randn(5, 4)));
        // Movement.
        c.add(new Case("transpose", in -> in[0].transpose(0, 2), in -> in[0].permute(2, 1, 0), randn(2, 3, 4)));
        c.add(new Case("permute", in -> in[0].permute(1, 2, 0), in -> in[0].permute(1, 2, 0), randn(2, 3, 4)));
        c.add(new Case("reshape", in -> in[0].reshape(4, 6), in -> in[0].reshape(4, 6), randn(2, 3, 4)));
        c.add(new Case("flatten", in -> in[0].flatten(1, 2), in -> in[0].reshape(2, 12), randn(2, 3, 4)));
        c.add(new Case("squeeze", in -> in[0].squeeze(1), in -> in[0].reshape(3, 4), randn(3, 1, 4)));
        c.add(new Case("unsqueeze", in -> in[0].unsqueeze(0), in -> in[0].reshape(1, 3, 4), randn(3, 4)));
        c.add(new Case("broadcastTo", in -> in[0].broadcastTo(2, 3, 4), in -> in[0].broadcastTo(2, 3, 4), randn(3, 1)));
        c.add(new Case("expand", in -> in[0].expand(3, 4), in -> in[0].broadcastTo(3, 4), randn(4)));
        c.add(new Case("concat", in -> Tensor.concat(1, in[0], in[1]), in -> DArray.build(new int[] {2, 5}, i -> i[1] < 2 ? in[0].at(i[0], i[1]) : in[1].at(i[0], i[1] - 2)),
                randn(2, 2), randn(2, 3)));
        c.add(new Case("stack", in -> Tensor.stack(1, in[0], in[1]), in -> DArray.build(new int[] {3, 2, 4}, i -> (i[1] == 0 ? in[0] : in[1]).at(i[0], i[2])),
                randn(3, 4), randn(3, 4)));
        c.add(new Case("split", in -> in[0].split(1, 2, 3).get(1), in -> DArray.build(new int[] {2, 3}, i -> in[0].at(i[0], i[1] + 2)), randn(2, 5)));
        c.add(new Case("slice with step", in -> in[0].slice(1, 1, 7, 2), in -> DArray.build(new int[] {3, 3}, i -> in[0].at(i[0], 1 + 2 * i[1])), randn(3, 8)));
        c.add(new Case("indexSelect with repeats", in -> in[0].indexSelect(0, 2, 0, 2), in -> DArray.build(new int[] {3, 4}, i -> in[0].at(new int[] {2, 0, 2}[i[0]], i[1])),
                randn(3, 4)));
        Tensor gatherIndex = Tensor.of(new float[][] {{1, 0, 1}, {2, 2, 0}});
        c.add(new Case("gather", in -> in[0].gather(1, gatherIndex), in -> DArray.build(new int[] {2, 3}, i -> in[0].at(i[0], (int) gatherIndex.get(i[0], i[1]))),
                randn(2, 4)));
        Tensor scatterIndex = Tensor.of(new float[][] {{0, 2, 0}, {1, 1, 3}});
        c.add(new Case("scatterAdd", in -> in[0].scatterAdd(1, scatterIndex, in[1]), in -> {
            DArray out = in[0].copy();
            for (int r = 0; r < 2; r++) {
                for (int j = 0; j < 3; j++) out.data()[r * 4 + (int) scatterIndex.get(r, j)] += in[1].at(r, j);
            }
            return out;
        }, randn(2, 4), randn(2, 3)));
        c.add(new Case("pad", in -> in[0].pad(new int[] {1, 0, 2, 1}, 0.5f),
                in -> DArray.build(new int[] {4, 6}, i -> i[0] >= 1 && i[1] >= 2 && i[1] < 5 ? in[0].at(i[0] - 1, i[1] - 2) : 0.5), randn(3, 3)));
        c.add(new Case("upsampleNearest", in -> dev.nabla.nn.UpSampling2D.upsampleNearest(in[0], 2, 3),
                in -> DArray.build(new int[] {2, 1, 6, 6}, i -> in[0].at(i[0], i[1], i[2] / 2, i[3] / 3)), randn(2, 1, 3, 2)));
        return c.stream();
    }

    private static int[] norm(int[] axes, int rank) {
        int[] a = new int[axes.length];
        for (int i = 0; i < a.length; i++) a[i] = axes[i] < 0 ? axes[i] + rank : axes[i];
        return a;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void forwardAndBackwardMatchTheDoublePrecisionReference(Case c) {
        GradCheck.check(c.op(), c.reference(), c.inputs()).assertPassed();
    }
}
