package dev.nabla.nn;

import dev.nabla.autograd.Autograd;
import dev.nabla.tensor.Rng;
import dev.nabla.tensor.Tensor;
import dev.nabla.testing.RecycledPool;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fused recurrence gives bit-identical outputs and gradients every time it runs on the same inputs, with a batch
 * large enough for each step's rows to be split across the worker threads (W6's shape: batch 128, 28 steps of 28).
 */
class RecurrenceDeterminismTest {

    private static final int B = 128, T = 28, D = 28, H = 64, REPEATS = 4;

    @ParameterizedTest
    @EnumSource(Recurrence.Cell.class)
    void theSameInputsGiveBitIdenticalOutputsAndGradientsEveryTime(Recurrence.Cell cell) {
        List<Tensor> in = inputs(cell, new Rng(11));
        Tensor mask = mask();
        Tensor up = null;
        float[] firstOut = null;
        List<Tensor> first = null;
        for (int run = 0; run < REPEATS; run++) {
            Tensor out = Recurrence.run(cell, true, in.get(0), mask, null, null, in.get(1), in.get(2), in.get(3), in.get(4));
            if (up == null) up = Tensor.randn(new Rng(12), out.shape());
            List<Tensor> grads = Autograd.grad(out, in, up, false);
            if (first == null) {
                firstOut = out.data().clone();
                first = grads;
                continue;
            }
            assertThat(firstDifference(out.data(), firstOut)).as(cell + " output, run " + run + ": first differing index").isEqualTo(-1);
            for (int i = 0; i < in.size(); i++) {
                assertThat(firstDifference(grads.get(i).data(), first.get(i).data()))
                        .as(cell + " gradient of input " + i + ", run " + run + ": first differing index").isEqualTo(-1);
            }
        }
    }

    /**
     * The saved gates and states come from {@link dev.nabla.kernels.RecycledArrays}, holding whatever the last pass
     * left there: filled with NaN beforehand, they give the bits of new (zeroed) arrays. This fails if the pass reads
     * an element it did not write first, such as the zero initial states or a padded step's gradient.
     */
    @ParameterizedTest
    @EnumSource(Recurrence.Cell.class)
    void recycledArraysFullOfNaNGiveTheBitsOfNewOnes(Recurrence.Cell cell) {
        int g = cell.gates * H;
        List<Tensor> in = inputs(cell, new Rng(13));
        Tensor mask = mask(), up = Tensor.randn(new Rng(14), B, T + cell.states(), H);
        int[] lengths = {B * T * g, B * (T + 1) * H, B * T * H, B * T * D, B * T * (D + H), (D + H) * g, D * g, H * g};
        RecycledPool.drain(lengths);
        Tensor out = Recurrence.run(cell, true, in.get(0), mask, null, null, in.get(1), in.get(2), in.get(3), in.get(4));
        float[] fresh = out.data().clone();
        List<Tensor> freshGrads = Autograd.grad(out, in, up, false);
        RecycledPool.poison(lengths);
        out = Recurrence.run(cell, true, in.get(0), mask, null, null, in.get(1), in.get(2), in.get(3), in.get(4));
        assertThat(firstDifference(out.data(), fresh)).as(cell + " output: first differing index").isEqualTo(-1);
        List<Tensor> grads = Autograd.grad(out, in, up, false);
        for (int i = 0; i < in.size(); i++) {
            assertThat(firstDifference(grads.get(i).data(), freshGrads.get(i).data()))
                    .as(cell + " gradient of input " + i + ": first differing index").isEqualTo(-1);
        }
    }

    /**
     * Asked for the final states alone, the op gives the bits of the whole result's last rows, and the gradients of the
     * whole result under an upstream gradient that is zero at the outputs (what slicing the final states gave).
     */
    @ParameterizedTest
    @EnumSource(Recurrence.Cell.class)
    void theFinalStatesAloneGiveTheBitsOfTheWholeResultsLastRows(Recurrence.Cell cell) {
        List<Tensor> in = inputs(cell, new Rng(15));
        Tensor mask = mask();
        int states = cell.states();
        Tensor last = Recurrence.run(cell, false, in.get(0), mask, null, null, in.get(1), in.get(2), in.get(3), in.get(4));
        Tensor whole = Recurrence.run(cell, true, in.get(0), mask, null, null, in.get(1), in.get(2), in.get(3), in.get(4));
        assertThat(last.shape()).containsExactly(B, states, H);
        assertThat(firstDifference(last.data(), whole.slice(1, T, T + states).data()))
                .as(cell + " final states: first differing index").isEqualTo(-1);
        Tensor up = Tensor.randn(new Rng(16), B, states, H);
        Tensor wholeUp = Tensor.concat(1, Tensor.zeros(B, T, H), up);
        List<Tensor> grads = Autograd.grad(last, in, up, false), wholeGrads = Autograd.grad(whole, in, wholeUp, false);
        for (int i = 0; i < in.size(); i++) {
            assertThat(firstDifference(grads.get(i).data(), wholeGrads.get(i).data()))
                    .as(cell + " gradient of input " + i + ": first differing index").isEqualTo(-1);
        }
    }

    /** x [B, T, D] and the weights and biases of the cell, all requiring grad. */
    private static List<Tensor> inputs(Recurrence.Cell cell, Rng rng) {
        int g = cell.gates * H;
        List<Tensor> in = List.of(Tensor.randn(rng, B, T, D), Tensor.randn(rng, g, D).mul(0.2f),
                Tensor.randn(rng, g, H).mul(0.2f), Tensor.randn(rng, g).mul(0.2f), Tensor.randn(rng, g).mul(0.2f));
        for (Tensor t : in) t.requiresGrad(true);
        return in;
    }

    /** [B, T] with some rows padded at the end. */
    private static Tensor mask() {
        float[] m = new float[B * T];
        for (int i = 0; i < m.length; i++) m[i] = (i % T) < T - (i / T) % 5 ? 1f : 0f;
        return Tensor.of(m, B, T);
    }

    /** The first index where the two arrays differ in any bit, or -1 (a short message instead of two long arrays). */
    static int firstDifference(float[] a, float[] b) {
        assertThat(a.length).isEqualTo(b.length);
        for (int i = 0; i < a.length; i++) if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) return i;
        return -1;
    }
}
