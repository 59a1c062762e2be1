package dev.nabla.autograd;

import dev.nabla.kernels.RecycledArrays;
import dev.nabla.tensor.Tensor;
import dev.nabla.testing.RecycledPool;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine gives a gradient's recycled array back ({@link Tensor#ofRecyclable}) once the rule that consumes it has
 * run and no pending gradient shares it, and only in a plain backward pass that keeps no graph.
 */
class RecycledGradientsTest {

    private static final int N = 7919; // a length nothing else takes

    /** y = 2x, whose backward writes 2 g into a recycled array and remembers it in {@code made}. */
    private static Tensor twice(Tensor x, float[][] made, int slot) {
        float[] v = x.data().clone();
        for (int i = 0; i < v.length; i++) v[i] *= 2f;
        return Autograd.record("twice", () -> "d(2x)/dx = 2", Tensor.of(v, v.length), (g, need) -> {
            float[] d = RecycledArrays.take(g.size());
            for (int i = 0; i < d.length; i++) d[i] = 2f * g.data()[i];
            made[slot] = d;
            return new Tensor[] {Tensor.ofRecyclable(d, d.length)};
        }, x);
    }

    private static Tensor input() {
        float[] v = new float[N];
        for (int i = 0; i < N; i++) v[i] = i % 5 - 2;
        return Tensor.of(v, N).requiresGrad(true);
    }

    @Test
    void aConsumedGradientGoesBackAndTheNextTakerGetsIt() {
        RecycledPool.drain(N);
        float[][] made = new float[2][];
        Tensor x = input();
        Tensor y = twice(twice(x, made, 0), made, 1); // made[1] is consumed by the first twice's rule, made[0] by the leaf
        Autograd.backward(y, Tensor.ones(N), false);
        assertThat(x.grad().data()[3]).isEqualTo(4f);
        assertThat(RecycledArrays.take(N)).isSameAs(made[1]);
        assertThat(RecycledArrays.take(N)).isNotSameAs(made[0]); // a leaf's gradient is copied into its .grad(), not kept
    }

    @Test
    void aGradientTwoRulesShareGoesBackOnceAfterBothRan() {
        RecycledPool.drain(N);
        float[][] made = new float[3][];
        Tensor x = input();
        Tensor a = twice(x, made, 0), b = twice(x, made, 1);
        // a + b: its rule hands the same gradient to both, each read by a rule after the other has run
        Tensor y = twice(a.add(b), made, 2);
        Autograd.backward(y, Tensor.ones(N), false);
        for (float v : x.grad().data()) assertThat(v).isEqualTo(8f);
        assertThat(RecycledArrays.take(N)).isSameAs(made[2]);
        assertThat(RecycledArrays.take(N)).isNotSameAs(made[2]);
    }

    @Test
    void aGradientReshapedOnItsWayGoesBackOnceTheRuleAfterTheReshapesRan() {
        RecycledPool.drain(N);
        float[][] made = new float[2][];
        Tensor x = input();
        // as a flatten between a convolution and a dense layer: made[1] passes through two reshapes to made[0]'s rule
        Tensor y = twice(twice(x, made, 0).reshape(1, N).reshape(N), made, 1);
        Autograd.backward(y, Tensor.ones(N), false);
        assertThat(x.grad().data()[3]).isEqualTo(4f);
        assertThat(RecycledArrays.take(N)).isSameAs(made[1]);
        assertThat(RecycledArrays.take(N)).isNotSameAs(made[0]);
    }

    @Test
    void aMeansGradientIsARecycledArrayThatGoesBackOnceConsumed() {
        int rows = 7, cols = 1133, size = rows * cols; // a length nothing else takes
        float[][] made = new float[2][];
        Tensor x = Tensor.ones(size).requiresGrad(true);
        RecycledPool.poison(size); // the spread gradient writes every element
        // the first twice's rule consumes the mean's gradient (passed through the reshape)
        Tensor pooled = twice(x, made, 0).reshape(rows, cols).mean(new int[] {0}, false);
        Autograd.backward(twice(pooled, made, 1), Tensor.ones(cols), false);
        float share = 2f * (1f / rows);
        assertThat(x.grad().data()[5]).isEqualTo(2f * share);
        boolean back = false; // the array the mean's rule spread its gradient into: the only one holding the share
        for (int i = 0; i < RecycledArrays.PER_LENGTH; i++) back |= RecycledArrays.take(size)[cols + 3] == share;
        assertThat(back).as("the mean's gradient array came back").isTrue();
    }

    @Test
    void nothingGoesBackWhileTheGraphIsRetainedOrGradientsAreHandedOut() {
        RecycledPool.drain(N);
        float[][] made = new float[2][];
        Tensor x = input();
        Tensor y = twice(twice(x, made, 0), made, 1);
        Autograd.backward(y, Tensor.ones(N), true);
        assertThat(RecycledArrays.take(N)).isNotSameAs(made[1]);
        Autograd.grad(y, java.util.List.of(x), Tensor.ones(N), false);
        assertThat(RecycledArrays.take(N)).isNotSameAs(made[1]);
    }

    /** A slice's gradient is a recycled array: zero, whatever it held, where nothing was sliced out. */
    @Test
    void aSlicesGradientIsZeroOutsideTheSliceOverARecycledArrayFullOfNaN() {
        int rows = 3, cols = N / 3 + 1; // [3, 2640]: a length nothing else takes
        RecycledPool.poison(rows * cols);
        Tensor x = Tensor.zeros(rows, cols).requiresGrad(true);
        Tensor y = twice(x.slice(1, 1, cols, 2).reshape(-1), new float[1][], 0);
        Autograd.backward(y, Tensor.ones(y.size()), false);
        float[] g = x.grad().data();
        for (int i = 0; i < g.length; i++) assertThat(g[i]).as("at %d", i).isEqualTo(i % cols % 2 == 1 ? 2f : 0f);
    }
}
