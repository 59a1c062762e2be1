package example.outside;

import dev.nabla.autograd.Autograd;
import dev.nabla.autograd.Function;
import dev.nabla.tensor.Rng;
import dev.nabla.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A backward rule written outside Nabla, with {@link Autograd#record} or as a {@link Function}, may keep the gradient
 * it is given: Nabla's recycling of gradient arrays never reuses one, however many passes follow.
 */
class KeptGradientTest {

    private static final int N = 5003;

    /** The identity, whose rule keeps the gradient it gets in {@code kept[0]} (and passes on a copy). */
    private static Tensor keeping(Tensor x, Tensor[] kept) {
        return Autograd.record("keep", () -> "the identity", x.copy(), (g, need) -> {
            kept[0] = g;
            return new Tensor[] {g.copy()};
        }, x);
    }

    private static final class Keeping extends Function {
        Tensor kept;

        @Override
        protected Tensor forward(Context ctx, Tensor... in) {
            return in[0].copy();
        }

        @Override
        protected Tensor[] backward(Context ctx, Tensor grad) {
            kept = grad;
            return new Tensor[] {grad.copy()};
        }
    }

    @Test
    void aKeptGradientKeepsItsValuesThroughLaterPasses() {
        Tensor x = Tensor.randn(new Rng(3), N).requiresGrad(true);
        Tensor[] kept = new Tensor[1];
        Keeping f = new Keeping();
        // GELU's rule computes its input's gradient into a recycled array, which the keeping rules then receive
        Autograd.backward(keeping(x, kept).gelu(false), Tensor.ones(N), false);
        Autograd.backward(f.apply(x).gelu(false), Tensor.ones(N), false);
        float[] wantRecord = kept[0].data().clone(), wantFunction = f.kept.data().clone();
        for (int pass = 0; pass < 4; pass++) {
            Tensor other = Tensor.randn(new Rng(10 + pass), N).requiresGrad(true);
            Autograd.backward(other.gelu(false).gelu(false).gelu(false), Tensor.full(new int[] {N}, 3f), false);
        }
        assertThat(kept[0].data()).containsExactly(wantRecord);
        assertThat(f.kept.data()).containsExactly(wantFunction);
        assertThat(wantRecord[0]).isNotZero();
    }
}
