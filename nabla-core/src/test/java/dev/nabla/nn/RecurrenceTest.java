package dev.nabla.nn;

import dev.nabla.autograd.Autograd;
import dev.nabla.tensor.Rng;
import dev.nabla.tensor.Tensor;
import dev.nabla.testing.DArray;
import dev.nabla.testing.GradCheck;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.nabla.testing.Fixtures.assertClose;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fused recurrence op ({@link Recurrence}) against the same recurrence composed of ordinary tensor ops (float32,
 * values and gradients), and its backward pass against central differences of an independent double-precision loop.
 * Both with a mask holding padded steps (at the end and in the middle) and with given initial states.
 */
class RecurrenceTest {

    private static final int B = 3, T = 4, D = 3, H = 5;
    /** Row 0 all real, row 1 padded at the end, row 2 with a hole in the middle. */
    private static final float[] MASK = {1, 1, 1, 1, 1, 1, 0, 0, 1, 0, 1, 1};

    @ParameterizedTest
    @EnumSource(Recurrence.Cell.class)
    void fusedOpMatchesTheRecurrenceComposedOfTensorOps(Recurrence.Cell cell) {
        matchesComposed(cell, B, true);
    }

    /** Without the outputs, only the final states: what a layer that returns its last state asks for. */
    @ParameterizedTest
    @EnumSource(Recurrence.Cell.class)
    void fusedOpWithoutTheOutputsMatchesTheComposedFinalStates(Recurrence.Cell cell) {
        matchesComposed(cell, B, false);
        matchesComposed(cell, 70, false);
    }

    /** 70 rows: enough for the rows of a step to be split across threads (when there are several). */
    @ParameterizedTest
    @EnumSource(Recurrence.Cell.class)
    void aBatchSplitAcrossThreadsMatchesTheComposedOpsToo(Recurrence.Cell cell) {
        matchesComposed(cell, 70, true);
    }

    private static void matchesComposed(Recurrence.Cell cell, int batch, boolean sequences) {
        Rng rng = new Rng(7);
        int g = cell.gates * H;
        List<Tensor> in = new ArrayList<>(List.of(Tensor.randn(rng, batch, T, D), Tensor.randn(rng, g, D).mul(0.5f),
                Tensor.randn(rng, g, H).mul(0.5f), Tensor.randn(rng, g).mul(0.5f), Tensor.randn(rng, g).mul(0.5f),
                Tensor.randn(rng, batch, H)));
        if (cell == Recurrence.Cell.LSTM) in.add(Tensor.randn(rng, batch, H));
        for (Tensor t : in) t.requiresGrad(true);
        float[] m = new float[batch * T];
        for (int i = 0; i < m.length; i++) m[i] = MASK[i % MASK.length];
        Tensor mask = Tensor.of(m, batch, T);
        Tensor c0 = cell == Recurrence.Cell.LSTM ? in.get(6) : null;
        Tensor fused = Recurrence.run(cell, sequences, in.get(0), mask, in.get(5), c0, in.get(1), in.get(2), in.get(3), in.get(4));
        Tensor composed = composed(cell, in, mask, sequences);
        assertClose(cell + " forward", fused, composed);
        Tensor up = Tensor.randn(rng, fused.shape());
        List<Tensor> gFused = Autograd.grad(fused, in, up, false);
        List<Tensor> gComposed = Autograd.grad(composed, in, up, false);
        for (int i = 0; i < in.size(); i++) assertClose(cell + " gradient of input " + i, gFused.get(i), gComposed.get(i), 1e-4, 1e-5);
    }

    /** The backward pass reuses the forward pass's buffers; a retained graph must give the same gradients again. */
    @ParameterizedTest
    @EnumSource(Recurrence.Cell.class)
    void aRetainedGraphGivesTheSameGradientsOnASecondBackwardPass(Recurrence.Cell cell) {
        Rng rng = new Rng(9);
        int g = cell.gates * H;
        List<Tensor> in = List.of(Tensor.randn(rng, B, T, D).requiresGrad(true), Tensor.randn(rng, g, D).requiresGrad(true),
                Tensor.randn(rng, g, H).requiresGrad(true), Tensor.randn(rng, g).requiresGrad(true), Tensor.randn(rng, g).requiresGrad(true));
        Tensor out = Recurrence.run(cell, true, in.get(0), Tensor.of(MASK, B, T), null, null, in.get(1), in.get(2), in.get(3), in.get(4));
        Tensor up = Tensor.randn(rng, out.shape());
        List<Tensor> first = Autograd.grad(out, in, up, true), second = Autograd.grad(out, in, up, true);
        for (int i = 0; i < in.size(); i++) assertThat(second.get(i).data()).as(cell + " input " + i).containsExactly(first.get(i).data());
    }

    /** The recurrence step by step with matmul, sigmoid, tanh, mul, add and slicing; the fused op's result layout. */
    private static Tensor composed(Recurrence.Cell cell, List<Tensor> in, Tensor mask, boolean sequences) {
        Tensor x = in.get(0), wIh = in.get(1), wHh = in.get(2), bIh = in.get(3), bHh = in.get(4);
        int batch = x.dim(0);
        Tensor h = in.get(5), c = cell == Recurrence.Cell.LSTM ? in.get(6) : null;
        List<Tensor> outputs = new ArrayList<>();
        for (int s = 0; s < T; s++) {
            Tensor m = mask.slice(1, s, s + 1); // [B, 1]
            Tensor xp = x.slice(1, s, s + 1).reshape(batch, D).matmul(wIh.t()).add(bIh);
            Tensor hp = h.matmul(wHh.t()).add(bHh);
            Tensor hNew, cNew = null;
            switch (cell) {
                case LSTM: {
                    Tensor z = xp.add(hp);
                    Tensor i = z.slice(1, 0, H).sigmoid(), f = z.slice(1, H, 2 * H).sigmoid();
                    Tensor gg = z.slice(1, 2 * H, 3 * H).tanh(), o = z.slice(1, 3 * H, 4 * H).sigmoid();
                    cNew = f.mul(c).add(i.mul(gg));
                    hNew = o.mul(cNew.tanh());
                    break;
                }
                case GRU: {
                    Tensor r = xp.slice(1, 0, H).add(hp.slice(1, 0, H)).sigmoid();
                    Tensor u = xp.slice(1, H, 2 * H).add(hp.slice(1, H, 2 * H)).sigmoid();
                    Tensor n = xp.slice(1, 2 * H, 3 * H).add(r.mul(hp.slice(1, 2 * H, 3 * H))).tanh();
                    hNew = u.neg().add(1f).mul(n).add(u.mul(h));
                    break;
                }
                default:
                    hNew = xp.add(hp).tanh();
            }
            Tensor keep = m.neg().add(1f);
            h = m.mul(hNew).add(keep.mul(h));
            if (c != null) c = m.mul(cNew).add(keep.mul(c));
            if (sequences) outputs.add(m.mul(hNew));
        }
        outputs.add(h);
        if (c != null) outputs.add(c);
        return Tensor.stack(1, outputs);
    }

    @ParameterizedTest
    @EnumSource(Recurrence.Cell.class)
    void backwardThroughTimeMatchesFiniteDifferencesInDoublePrecision(Recurrence.Cell cell) {
        for (boolean sequences : new boolean[] {true, false}) gradientsMatchFiniteDifferences(cell, sequences);
    }

    private static void gradientsMatchFiniteDifferences(Recurrence.Cell cell, boolean sequences) {
        int g = cell.gates * H;
        List<DArray> in = new ArrayList<>(List.of(DArray.random(1, B, T, D), DArray.random(2, g, D).map(v -> 0.5 * v),
                DArray.random(3, g, H).map(v -> 0.5 * v), DArray.random(4, g).map(v -> 0.5 * v),
                DArray.random(5, g).map(v -> 0.5 * v), DArray.random(6, B, H)));
        boolean lstm = cell == Recurrence.Cell.LSTM;
        if (lstm) in.add(DArray.random(7, B, H));
        Tensor mask = Tensor.of(MASK, B, T);
        GradCheck.check(t -> Recurrence.run(cell, sequences, t[0], mask, t[5], lstm ? t[6] : null, t[1], t[2], t[3], t[4]),
                a -> reference(cell, sequences, a), in.toArray(new DArray[0])).assertPassed();
    }

    /** The recurrence in double precision with plain loops, written from the equations (PyTorch's gate order). */
    private static DArray reference(Recurrence.Cell cell, boolean sequences, DArray[] a) {
        double[] x = a[0].data(), wi = a[1].data(), wh = a[2].data(), bi = a[3].data(), bh = a[4].data();
        int g = cell.gates * H, outputs = sequences ? T : 0, rows = outputs + cell.states();
        double[] out = new double[B * rows * H];
        for (int b = 0; b < B; b++) {
            double[] h = Arrays.copyOfRange(a[5].data(), b * H, b * H + H);
            double[] c = cell == Recurrence.Cell.LSTM ? Arrays.copyOfRange(a[6].data(), b * H, b * H + H) : null;
            for (int s = 0; s < T; s++) {
                if (MASK[b * T + s] == 0) continue;
                double[] xp = new double[g], hp = new double[g];
                for (int j = 0; j < g; j++) {
                    xp[j] = bi[j];
                    hp[j] = bh[j];
                    for (int k = 0; k < D; k++) xp[j] += wi[j * D + k] * x[(b * T + s) * D + k];
                    for (int k = 0; k < H; k++) hp[j] += wh[j * H + k] * h[k];
                }
                double[] next = new double[H];
                for (int j = 0; j < H; j++) {
                    switch (cell) {
                        case LSTM: {
                            double i = sig(xp[j] + hp[j]), f = sig(xp[H + j] + hp[H + j]);
                            double gg = Math.tanh(xp[2 * H + j] + hp[2 * H + j]), o = sig(xp[3 * H + j] + hp[3 * H + j]);
                            c[j] = f * c[j] + i * gg;
                            next[j] = o * Math.tanh(c[j]);
                            break;
                        }
                        case GRU: {
                            double r = sig(xp[j] + hp[j]), z = sig(xp[H + j] + hp[H + j]);
                            double n = Math.tanh(xp[2 * H + j] + r * hp[2 * H + j]);
                            next[j] = (1 - z) * n + z * h[j];
                            break;
                        }
                        default:
                            next[j] = Math.tanh(xp[j] + hp[j]);
                    }
                }
                h = next;
                if (sequences) System.arraycopy(h, 0, out, (b * rows + s) * H, H);
            }
            System.arraycopy(h, 0, out, (b * rows + outputs) * H, H);
            if (c != null) System.arraycopy(c, 0, out, (b * rows + outputs + 1) * H, H);
        }
        return DArray.of(out, B, rows, H);
    }

    private static double sig(double v) {
        return 1 / (1 + Math.exp(-v));
    }
}
