package dev.nabla.nn;

import dev.nabla.autograd.Autograd;
import dev.nabla.tensor.Rng;
import dev.nabla.tensor.Tensor;
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
}
