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
}
