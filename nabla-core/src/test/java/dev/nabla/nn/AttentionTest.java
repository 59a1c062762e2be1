package dev.nabla.nn;

import dev.nabla.autograd.Autograd;
import dev.nabla.tensor.Rng;
import dev.nabla.tensor.Tensor;
import dev.nabla.testing.DArray;
import dev.nabla.testing.GradCheck;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.nabla.testing.Fixtures.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The fused scaled dot-product attention against its composed twin and a double-precision reference. */
class AttentionTest {

    private static final int B = 2, H = 3, TQ = 4, TK = 5, DH = 6;

    /** Key 3 and 4 of sequence 0 are padding, sequence 1 has none. */
    private static Tensor keyMask() {
        return Tensor.of(new float[] {1, 1, 1, 0, 0, 1, 1, 1, 1, 1}, B, TK);
    }

    /** The same maths from ordinary ops: matmul, a -inf where masked, softmax, matmul. */
    private static Tensor composed(Tensor q, Tensor k, Tensor v, Tensor keyMask, boolean causal) {
        int tq = q.dim(2), tk = k.dim(2);
        Tensor scores = q.matmul(k, false, true).mul((float) (1 / Math.sqrt(q.dim(3))));
        Tensor allowed = Tensor.ones(q.dim(0), 1, tq, tk);
        if (keyMask != null) allowed = allowed.mul(keyMask.reshape(q.dim(0), 1, 1, tk));
        if (causal) allowed = allowed.mul(lowerTriangle(tq, tk));
        scores = Tensor.where(allowed, scores, Tensor.scalar(Float.NEGATIVE_INFINITY));
        return scores.softmax(-1).matmul(v);
    }

    private static Tensor lowerTriangle(int rows, int cols) {
        Tensor t = Tensor.zeros(rows, cols);
        for (int i = 0; i < rows; i++) for (int j = 0; j <= Math.min(i, cols - 1); j++) t.set(1f, i, j);
        return t;
    }

    private static Tensor random(long seed, int... shape) {
        return Tensor.randn(new Rng(seed), shape).requiresGrad(true);
    }

    @Test
    void fusedAttentionMatchesTheComposedOpsInValueAndGradient() {
        for (boolean causal : new boolean[] {false, true}) {
            for (Tensor mask : new Tensor[] {null, keyMask()}) {
                Tensor q = random(1, B, H, TQ, DH), k = random(2, B, H, TK, DH), v = random(3, B, H, TK, DH);
                Tensor up = Tensor.randn(new Rng(4), B, H, TQ, DH);
                Tensor fused = Attention.scaledDotProduct(q, k, v, mask, causal);
                Tensor twin = composed(q, k, v, mask, causal);
                String what = "causal " + causal + ", mask " + (mask != null);
                assertClose(what + " output", fused, twin);
                List<Tensor> gf = Autograd.grad(fused.mul(up).sum(), List.of(q, k, v));
                List<Tensor> gc = Autograd.grad(twin.mul(up).sum(), List.of(q, k, v));
                for (int i = 0; i < 3; i++) assertClose(what + " gradient " + "qkv".charAt(i), gf.get(i), gc.get(i));
            }
        }
    }

    /** Attention written index by index in double precision, sharing no code with the op. */
    private static DArray reference(DArray q, DArray k, DArray v, double[] mask, boolean causal) {
        int b = q.shape()[0], h = q.shape()[1], tq = q.shape()[2], dh = q.shape()[3], tk = k.shape()[2], dv = v.shape()[3];
        double[] out = new double[b * h * tq * dv];
        for (int bi = 0; bi < b; bi++) for (int hi = 0; hi < h; hi++) for (int i = 0; i < tq; i++) {
            double[] s = new double[tk];
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < tk; j++) {
                boolean keep = (mask == null || mask[bi * tk + j] != 0) && (!causal || j <= i);
                double dot = 0;
                for (int d = 0; d < dh; d++) dot += q.at(bi, hi, i, d) * k.at(bi, hi, j, d);
                s[j] = keep ? dot / Math.sqrt(dh) : Double.NEGATIVE_INFINITY;
                max = Math.max(max, s[j]);
            }
            double sum = 0;
            for (int j = 0; j < tk; j++) sum += s[j] == Double.NEGATIVE_INFINITY ? 0 : Math.exp(s[j] - max);
            for (int j = 0; j < tk; j++) {
                double pj = s[j] == Double.NEGATIVE_INFINITY ? 0 : Math.exp(s[j] - max) / sum;
                for (int d = 0; d < dv; d++) out[((bi * h + hi) * tq + i) * dv + d] += pj * v.at(bi, hi, j, d);
            }
        }
        return DArray.of(out, b, h, tq, dv);
    }

    @Test
    void fusedAttentionPassesTheDoublePrecisionGradientCheck() {
        double[] mask = {1, 1, 1, 0, 0, 1, 1, 1, 1, 1};
        for (boolean causal : new boolean[] {false, true}) {
            GradCheck.check(in -> Attention.scaledDotProduct(in[0], in[1], in[2], keyMask(), causal),
                    in -> reference(in[0], in[1], in[2], mask, causal),
                    DArray.random(11, B, H, TQ, DH), DArray.random(12, B, H, TK, DH), DArray.random(13, B, H, TK, 3)).assertPassed();
        }
    }

    @Test
    void aQueryWithEveryKeyMaskedGetsZeroOutputAndZeroGradient() {
        Tensor q = random(1, 1, 1, 2, 4), k = random(2, 1, 1, 3, 4), v = random(3, 1, 1, 3, 4);
        Tensor none = Tensor.zeros(1, 3);
        Tensor y = Attention.scaledDotProduct(q, k, v, none, false);
        assertThat(y.data()).containsOnly(0f);
        List<Tensor> g = Autograd.grad(y.sum(), List.of(q, k, v));
        for (Tensor t : g) assertThat(t.data()).containsOnly(0f);
    }

    @Test
    void multiHeadOnPackedColumnsEqualsAttentionOnTheHeadLayout() {
        int b = 2, t = 5, heads = 2, dh = 3, e = heads * dh;
        Tensor packed = random(7, b, t, 3 * e); // q, k, v side by side, heads as column blocks
        Tensor y = Attention.multiHead(packed, 0, packed, e, packed, 2 * e, heads, dh, keyMask(), true);
        Tensor up = Tensor.randn(new Rng(8), b, t, e);
        List<Tensor> split = packed.reshape(b, t, 3, heads, dh).permute(2, 0, 3, 1, 4).split(0, 1, 1, 1);
        Tensor q = split.get(0).squeeze(0), k = split.get(1).squeeze(0), v = split.get(2).squeeze(0);
        Tensor twin = Attention.scaledDotProduct(q, k, v, keyMask(), true).permute(0, 2, 1, 3).reshape(b, t, e);
        assertClose("packed output", y, twin);
        assertClose("packed gradient", Autograd.grad(y.mul(up).sum(), List.of(packed)).get(0),
                Autograd.grad(twin.mul(up).sum(), List.of(packed)).get(0));
    }

    @Test
    void aKeyMaskOfTheWrongShapeIsRefusedWithBothShapes() {
        Tensor q = random(1, B, H, TQ, DH), k = random(2, B, H, TK, DH);
        assertThatThrownBy(() -> Attention.scaledDotProduct(q, k, k, Tensor.ones(B, TK + 1), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[2, 5]").hasMessageContaining("[2, 6]");
    }
}
