package dev.nabla.nn;

import dev.nabla.autograd.Autograd;
import dev.nabla.tensor.Rng;
import dev.nabla.tensor.Tensor;
import dev.nabla.testing.RecycledPool;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A pre-norm GELU encoder layer at W7's shape (batch 128, 16 tokens of 64, 4 heads, MLP 128) gives bit-identical
 * outputs and gradients every time, from its first call (interpreted, the JIT still warming up) on: its layer norms,
 * fused attention softmax and GELU must not depend on which code the JIT has compiled.
 */
class TransformerDeterminismTest {

    private static final int REPEATS = 4;

    @Test
    void theSameInputsGiveBitIdenticalOutputsAndGradientsEveryTime() {
        Layer.resetNames();
        TransformerEncoderLayer enc = new TransformerEncoderLayer(null, 64, 4, 128, 0.0, TransformerBlock.FeedForwardActivation.GELU, true, 1e-5);
        Tensor x = Tensor.randn(new Rng(21), 128, 16, 64).requiresGrad(true);
        enc.buildFor(x.shape());
        List<Tensor> in = new ArrayList<>(List.of(x));
        for (Weight w : enc.weights()) in.add(w.value());
        Tensor up = null;
        float[] firstOut = null;
        List<float[]> first = null;
        for (int run = 0; run < REPEATS; run++) {
            Tensor out = enc.apply(x);
            if (up == null) up = Tensor.randn(new Rng(22), out.shape());
            List<Tensor> grads = Autograd.grad(out, in, up, false);
            if (first == null) {
                firstOut = out.data().clone();
                first = new ArrayList<>();
                for (Tensor g : grads) first.add(g.data().clone());
                continue;
            }
            assertThat(RecurrenceDeterminismTest.firstDifference(out.data(), firstOut)).as("output, run " + run + ": first differing index").isEqualTo(-1);
            for (int i = 0; i < in.size(); i++) {
                assertThat(RecurrenceDeterminismTest.firstDifference(grads.get(i).data(), first.get(i)))
                        .as("gradient of input " + i + ", run " + run + ": first differing index").isEqualTo(-1);
            }
        }
    }

    /**
     * A plain backward pass ({@link Autograd#backward}, leaf gradients) computes the layer's gradients into recycled
     * arrays ({@link dev.nabla.kernels.RecycledArrays}), given back during the pass as soon as they are consumed;
     * {@link Autograd#grad} hands its gradients out and recycles none. Both give the same bits: on new arrays, on
     * arrays filled with NaN beforehand, and after a pass on other inputs. This fails if an array went back while a
     * later rule still read it, or if a taker read an element before writing it.
     */
    @Test
    void aPlainBackwardPassOnRecycledArraysGivesTheBitsOfOneThatRecyclesNone() {
        Layer.resetNames();
        TransformerEncoderLayer enc = new TransformerEncoderLayer(null, 64, 4, 128, 0.0, TransformerBlock.FeedForwardActivation.GELU, true, 1e-5);
        Tensor x = Tensor.randn(new Rng(23), 128, 16, 64).requiresGrad(true);
        Tensor other = Tensor.randn(new Rng(24), 128, 16, 64).requiresGrad(true);
        enc.buildFor(x.shape());
        Tensor up = Tensor.randn(new Rng(25), 128, 16, 64);
        List<Tensor> in = new ArrayList<>(List.of(x));
        for (Weight w : enc.weights()) in.add(w.value());
        List<float[]> want = new ArrayList<>();
        for (Tensor g : Autograd.grad(forward(enc, x), in, up, false)) want.add(g.data().clone());
        int[] lengths = {128 * 16 * 64, 128 * 16 * 128, 128 * 16 * 192, 128 * 16};
        RecycledPool.drain(lengths);
        assertSameBits(plainPass(enc, in, up), want, "on new arrays");
        RecycledPool.poison(lengths);
        assertSameBits(plainPass(enc, in, up), want, "over NaN");
        Autograd.backward(forward(enc, other), up, false);
        assertSameBits(plainPass(enc, in, up), want, "after other inputs");
    }

    /** The layer through a GELU, whose rule's recycled gradient the residual add then hands to two rules. */
    private static Tensor forward(TransformerEncoderLayer enc, Tensor x) {
        return enc.apply(x).gelu(false);
    }

    /** The gradients of the inputs (x, then the weights) of one plain backward pass from up. */
    private static List<float[]> plainPass(TransformerEncoderLayer enc, List<Tensor> in, Tensor up) {
        for (Tensor t : in) t.setGrad(null);
        Autograd.backward(forward(enc, in.get(0)), up, false);
        List<float[]> all = new ArrayList<>();
        for (Tensor t : in) all.add(t.grad().data().clone());
        return all;
    }

    private static void assertSameBits(List<float[]> got, List<float[]> want, String when) {
        for (int i = 0; i < want.size(); i++) {
            assertThat(RecurrenceDeterminismTest.firstDifference(got.get(i), want.get(i)))
                    .as((i == 0 ? "gradient of x" : "gradient of weight " + (i - 1)) + " " + when + ": first differing index")
                    .isEqualTo(-1);
        }
    }
}
