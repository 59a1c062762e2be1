package dev.nabla.autograd;

import dev.nabla.tensor.Tensor;
import dev.nabla.testing.DArray;
import dev.nabla.testing.GradCheck;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AutogradTest {

    @Test
    void gradientsAccumulateWhereAValueIsUsedTwice() {
        Tensor x = Tensor.vector(2, -3).requiresGrad(true);
        Tensor y = x.mul(x).add(x).sum(); // d/dx = 2x + 1
        y.backward();
        assertThat(x.grad().data()).containsExactly(5, -5);
        x.mul(3f).sum().backward(); // a second loss adds on top until zeroed
        assertThat(x.grad().data()).containsExactly(8, -2);
        x.zeroGrad();
        assertThat(x.grad().data()).containsExactly(0, 0);
    }

    @Test
    void functionalGradLeavesDotGradAlone() {
        Tensor x = Tensor.vector(1, 2, 3).requiresGrad(true);
        List<Tensor> g = Autograd.grad(x.square().sum(), List.of(x));
        assertThat(g.get(0).data()).containsExactly(2, 4, 6);
        assertThat(x.grad()).isNull();
    }

    /** {@code y = 2 * (a + b)} as one op whose rule adds the gradient of a leaf input into its .grad() where allowed. */
    private static Tensor twiceTheSumAddingIntoLeaves(Tensor a, Tensor b, List<String> offered) {
        float[] out = new float[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = 2 * (a.data()[i] + b.data()[i]);
        return Autograd.record("twice_sum", () -> "dA = dB = 2 dY", Tensor.of(out, out.length), (g, need, leaves) -> {
            Tensor[] grads = new Tensor[2];
            for (int k = 0; k < 2; k++) {
                float[] into = leaves.of(k);
                offered.add(into == null ? "-" : "grad");
                float[] d = into != null ? into : new float[g.size()];
                for (int i = 0; i < d.length; i++) d[i] += 2 * g.data()[i];
                if (into == null) grads[k] = Tensor.of(d, d.length);
            }
            return grads;
        }, a, b);
    }

    @Test
    void aPlainBackwardLetsAnOpAddALeafGradientIntoItsGradButNotAComputedOnesOrThoseOfFunctionalGrad() {
        Tensor leaf = Tensor.vector(1, 2).requiresGrad(true), x = Tensor.vector(3, 4).requiresGrad(true);
        List<String> offered = new java.util.ArrayList<>();
        twiceTheSumAddingIntoLeaves(leaf, x.mul(1f), offered).sum().backward();
        assertThat(offered).containsExactly("grad", "-"); // the computed x * 1 gets its gradient returned
        assertThat(leaf.grad().data()).containsExactly(2, 2);
        assertThat(x.grad().data()).containsExactly(2, 2);
        twiceTheSumAddingIntoLeaves(leaf, x, offered).sum().backward(); // adds on top, as any gradient does
        assertThat(leaf.grad().data()).containsExactly(4, 4);
        assertThat(x.grad().data()).containsExactly(4, 4);

        offered.clear();
        Tensor fresh = Tensor.vector(1, 2).requiresGrad(true);
        List<Tensor> g = Autograd.grad(twiceTheSumAddingIntoLeaves(fresh, leaf, offered).sum(), List.of(fresh, leaf));
        assertThat(offered).containsExactly("-", "-");
        assertThat(g.get(0).data()).containsExactly(2, 2);
        assertThat(g.get(1).data()).containsExactly(2, 2);
        assertThat(fresh.grad()).isNull();
        assertThat(leaf.grad().data()).containsExactly(4, 4);
    }

    /** {@code y = 3 a} as one op that writes a leaf's whole gradient where allowed, over it or added to it as told. */
    private static Tensor thriceWritingWholeGradients(Tensor a, List<String> told) {
        float[] out = new float[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = 3 * a.data()[i];
        return Autograd.record("thrice", () -> "dA = 3 dY", Tensor.of(out, out.length), (g, need, leaves) -> {
            Node.Target into = leaves.whole(0);
            told.add(into == null ? "-" : into.add() ? "add" : "over");
            float[] d = into != null ? into.data() : new float[g.size()];
            for (int i = 0; i < d.length; i++) d[i] = (into != null && into.add() ? d[i] : 0) + 3 * g.data()[i];
            return new Tensor[] {into == null ? Tensor.of(d, d.length) : null};
        }, a);
    }

    @Test
    void afterZeroGradAnOpWritesALeafsWholeGradientOverItsStaleBufferAndOtherwiseAddsToIt() {
        Tensor a = Tensor.vector(1, 2).requiresGrad(true);
        List<String> told = new java.util.ArrayList<>();
        thriceWritingWholeGradients(a, told).sum().backward();   // no .grad() yet: a new array, written over
        thriceWritingWholeGradients(a, told).sum().backward();   // accumulates
        assertThat(a.grad().data()).containsExactly(6, 6);
        float[] kept = a.grad().data();
        a.zeroGrad();
        thriceWritingWholeGradients(a, told).mul(2f).sum().backward(); // the stale 6s are not added to
        assertThat(told).containsExactly("over", "add", "over");
        assertThat(a.grad().data()).containsExactly(6, 6).isSameAs(kept);

        a.zeroGrad(); // a gradient delivered by the engine, and one added by an op into .grad(), after zeroGrad
        a.mul(5f).sum().backward();
        assertThat(a.grad().data()).containsExactly(5, 5);
        a.zeroGrad();
        twiceTheSumAddingIntoLeaves(a, Tensor.vector(0, 0), new java.util.ArrayList<>()).sum().backward();
        assertThat(a.grad().data()).containsExactly(2, 2).isSameAs(kept);
        a.zeroGrad();
        assertThat(a.grad().data()).containsExactly(0, 0); // read without a backward pass: zeros

        told.clear();
        List<Tensor> g = Autograd.grad(thriceWritingWholeGradients(a, told).sum(), List.of(a));
        assertThat(told).containsExactly("-");
        assertThat(g.get(0).data()).containsExactly(3, 3);
    }

    @Test
    void noGradRecordsNothingAndDetachCutsTheGraph() {
        Tensor x = Tensor.vector(1, 2).requiresGrad(true);
        try (NoGrad ignored = Autograd.noGrad()) {
            Tensor y = x.mul(2f);
            assertThat(y.requiresGrad()).isFalse();
            assertThat(y.node()).isNull();
        }
        assertThat(Autograd.isGradEnabled()).isTrue();
        Tensor d = x.mul(2f).detach();
        assertThat(d.requiresGrad()).isFalse();
        Tensor z = d.mul(x).sum();
        z.backward();
        assertThat(x.grad().data()).containsExactly(2, 4); // the detached factor is a constant
    }

    @Test
    void aSecondBackwardThroughAFreedGraphIsAClearErrorUnlessRetained() {
        Tensor x = Tensor.vector(1, 2).requiresGrad(true);
        Tensor y = x.exp().sum();
        y.backward();
        assertThatThrownBy(y::backward).isInstanceOf(IllegalStateException.class).hasMessageContaining("freed");
        Tensor kept = x.exp().sum();
        kept.backward(true);
        kept.backward();
        assertThat(x.grad().get(0)).isCloseTo((float) (3 * Math.E), org.assertj.core.data.Offset.offset(1e-5f));
    }

    @Test
    void backwardFromANonScalarNeedsASeed() {
        Tensor x = Tensor.vector(1, 2).requiresGrad(true);
        Tensor y = x.mul(3f);
        assertThatThrownBy(y::backward).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("seed");
        y.backward(Tensor.vector(1, 10));
        assertThat(x.grad().data()).containsExactly(3, 30);
    }

    /** A user-defined op, as a reader would write one: cube with its own backward. */
    static final class Cube extends Function {
        @Override
        protected Tensor forward(Context ctx, Tensor... in) {
            ctx.save(in[0]);
            float[] x = in[0].data(), y = new float[x.length];
            for (int i = 0; i < x.length; i++) y[i] = x[i] * x[i] * x[i];
            return Tensor.of(y, in[0].shape());
        }

        @Override
        protected Tensor[] backward(Context ctx, Tensor grad) {
            Tensor x = ctx.saved(0);
            return new Tensor[] {grad.mul(x.square()).mul(3f)};
        }
    }

    @Test
    void aUserDefinedFunctionPassesTheGradientCheck() {
        GradCheck.check(in -> new Cube().apply(in[0]), in -> in[0].map(v -> v * v * v), DArray.of(new double[] {0.5, -1.2, 2.0, 0.1}, 2, 2))
                .assertPassed();
    }

    /** The same op with a deliberately wrong rule (2x^2 instead of 3x^2): the checker must catch it. */
    static final class WrongCube extends Function {
        @Override
        protected Tensor forward(Context ctx, Tensor... in) {
            return new Cube().forward(ctx, in);
        }

        @Override
        protected Tensor[] backward(Context ctx, Tensor grad) {
            return new Tensor[] {grad.mul(ctx.saved(0).square()).mul(2f)};
        }
    }

    @Test
    void theGradientCheckCatchesAWrongBackwardRule() {
        GradCheck.Report r = GradCheck.check(in -> new WrongCube().apply(in[0]), in -> in[0].map(v -> v * v * v),
                DArray.of(new double[] {0.5, -1.2, 2.0, 0.1}, 2, 2));
        assertThat(r.passed()).isFalse();
        assertThat(r.failures()).anyMatch(f -> f.startsWith("gradient of input 0"));
        assertThatThrownBy(r::assertPassed).isInstanceOf(AssertionError.class);
    }

    /** An op's release runs once its node is freed (not while a retained graph may go through it again), or at once. */
    @Test
    void anOpsReleaseRunsWhenItsRuleCanRunNoMoreAndAtOnceWhenTheOpIsNotRecorded() {
        int[] released = {0};
        Tensor x = Tensor.vector(1f, 2f).requiresGrad(true);
        Tensor y = Autograd.record("twice", () -> "d(2x)/dx = 2", Tensor.vector(2f, 4f), (g, need) -> new Tensor[] {g.mul(2f)},
                () -> released[0]++, x);
        Autograd.backward(y, Tensor.ones(2), true);
        assertThat(released[0]).isZero();
        Autograd.backward(y, Tensor.ones(2), false);
        assertThat(released[0]).isEqualTo(1);
        assertThat(x.grad().data()).containsExactly(4f, 4f);
        assertThatThrownBy(() -> Autograd.backward(y, Tensor.ones(2), false)).hasMessageContaining("a second time");
        assertThat(released[0]).isEqualTo(1);
        try (var off = Autograd.noGrad()) {
            Autograd.record("twice", () -> "d(2x)/dx = 2", Tensor.vector(2f, 4f), (g, need) -> new Tensor[] {g.mul(2f)},
                    () -> released[0]++, x);
        }
        assertThat(released[0]).isEqualTo(2);
    }
}
