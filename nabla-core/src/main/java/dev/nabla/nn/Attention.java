package dev.nabla.nn;

import dev.nabla.autograd.Autograd;
import dev.nabla.autograd.StepArrays;
import dev.nabla.kernels.Gemm;
import dev.nabla.kernels.Gemms;
import dev.nabla.kernels.Parallel;
import dev.nabla.kernels.RecycledArrays;
import dev.nabla.kernels.Softmax;
import dev.nabla.tensor.Shape;
import dev.nabla.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Scaled dot-product attention as one op, forward and backward together:
 * {@code O = softmax(mask(Q K^T / sqrt(dh))) V} for every (batch, head), with the probabilities P saved for the
 * backward pass, which follows its own rule ({@code dS = P * (dP - rowsum(dP * P))}) instead of a graph of matmul,
 * softmax and masking nodes. Every product is a GEMM per (batch, head), and the (batch, head) pairs run in parallel.
 *
 * <pre>{@code
 * Tensor q = Tensor.ones(2, 4, 5, 8), k = Tensor.ones(2, 4, 7, 8), v = Tensor.ones(2, 4, 7, 8);
 * Tensor keyMask = Tensor.ones(2, 7);                           // 1 = a real key, 0 = padding
 * Tensor o = Attention.scaledDotProduct(q, k, v, keyMask, false); // [2, 4, 5, 8]
 * }</pre>
 *
 * Masks: the causal mask lets query i see keys j &lt;= i (aligned at the top left, as PyTorch's {@code is_causal});
 * the key-padding mask is {@code [batch, Tk]} of 1 (attend) and 0 (skip), Nabla's padding-mask convention
 * ({@link Masks}; PyTorch's {@code key_padding_mask} is the opposite, True = padded). A masked score takes no part
 * in the softmax at all (its probability is exactly 0). A query row whose keys are all masked has no softmax:
 * its probabilities, output and gradients are 0 here (PyTorch gives NaN there).
 */
public final class Attention {

    /** Below this many score entries per (batch, head) pair, pairs are grouped before going to the thread pool. */
    private static final int PARALLEL_MIN_WORK = 16 * 1024;

    private Attention() {
    }

    /**
     * Attention for q [batch, heads, Tq, dh], k [batch, heads, Tk, dh], v [batch, heads, Tk, dv]; returns
     * [batch, heads, Tq, dv]. {@code keyMask} is [batch, Tk] (1 keep, 0 skip) or null; scores are scaled by
     * 1/sqrt(dh).
     */
    public static Tensor scaledDotProduct(Tensor q, Tensor k, Tensor v, Tensor keyMask, boolean causal) {
        String op = "scaledDotProduct";
        if (q.rank() != 4 || k.rank() != 4 || v.rank() != 4) {
            throw new IllegalArgumentException(op + ": q, k, v must be [batch, heads, time, dim], got " + Shape.str(q.shape())
                    + ", " + Shape.str(k.shape()) + ", " + Shape.str(v.shape()));
        }
        int b = q.dim(0), h = q.dim(1), tq = q.dim(2), dh = q.dim(3), tk = k.dim(2), dv = v.dim(3);
        if (k.dim(0) != b || v.dim(0) != b || k.dim(1) != h || v.dim(1) != h || k.dim(3) != dh || v.dim(2) != tk) {
            throw new IllegalArgumentException(op + ": q " + Shape.str(q.shape()) + ", k " + Shape.str(k.shape()) + ", v "
                    + Shape.str(v.shape()) + " do not fit (need the same batch and heads, k's dim = q's, v's time = k's)");
        }
        View vq = new View(q, 0, h * tq * dh, tq * dh, dh), vk = new View(k, 0, h * tk * dh, tk * dh, dh);
        View vv = new View(v, 0, h * tk * dv, tk * dv, dv);
        View out = new View(null, 0, h * tq * dv, tq * dv, dv);
        return attend(op, vq, vk, vv, out, new int[] {b, h, tq, dv}, b, h, tq, tk, dh, dv, keyMask, causal);
    }

    /**
     * Multi-head attention on projected sequences laid out as PyTorch's before its head split: the query's heads are
     * the column blocks {@code qColumn + i*headDim} of {@code query} [batch, Tq, width], likewise for keys and values
     * in {@code key} / {@code value} [batch, Tk, width] (the same tensor may hold q, k and v side by side, as a
     * packed in-projection makes them). Returns [batch, Tq, heads * headDim], the heads concatenated, with no copy
     * into or out of a [batch, heads, time, dim] layout.
     */
    public static Tensor multiHead(Tensor query, int qColumn, Tensor key, int kColumn, Tensor value, int vColumn,
                                   int heads, int headDim, Tensor keyMask, boolean causal) {
        String op = "multiHeadAttention";
        for (Tensor t : new Tensor[] {query, key, value}) {
            if (t.rank() != 3) {
                throw new IllegalArgumentException(op + ": query, key, value must be [batch, time, width], got " + Shape.str(query.shape())
                        + ", " + Shape.str(key.shape()) + ", " + Shape.str(value.shape()));
            }
        }
        int b = query.dim(0), tq = query.dim(1), tk = key.dim(1), span = heads * headDim;
        if (key.dim(0) != b || value.dim(0) != b || value.dim(1) != tk || qColumn + span > query.dim(2)
                || kColumn + span > key.dim(2) || vColumn + span > value.dim(2)) {
            throw new IllegalArgumentException(op + ": query " + Shape.str(query.shape()) + ", key " + Shape.str(key.shape())
                    + ", value " + Shape.str(value.shape()) + " do not hold " + heads + " heads of " + headDim
                    + " at columns " + qColumn + ", " + kColumn + ", " + vColumn);
        }
        View vq = rows(query, qColumn, headDim), vk = rows(key, kColumn, headDim), vv = rows(value, vColumn, headDim);
        View out = new View(null, 0, tq * span, headDim, span);
        return attend(op, vq, vk, vv, out, new int[] {b, tq, span}, b, heads, tq, tk, headDim, headDim, keyMask, causal);
    }

    private static View rows(Tensor t, int column, int headDim) {
        int width = t.dim(2);
        return new View(t, column, t.dim(1) * width, headDim, width);
    }

    /**
     * Where the matrix of one (batch, head) pair starts in a tensor's array and how far apart its rows are: element
     * (b, h, row, col) is at {@code offset + b*batchStride + h*headStride + row*rowStride + col}.
     */
    private record View(Tensor t, int offset, int batchStride, int headStride, int rowStride) {
        int at(int b, int h) {
            return offset + b * batchStride + h * headStride;
        }

        float[] data() {
            return t.data();
        }
    }

    private static Tensor attend(String op, View q, View k, View v, View out, int[] outShape, int batch, int heads,
                                 int tq, int tk, int dh, int dv, Tensor keyMask, boolean causal) {
        float[] mask = keyMaskData(op, keyMask, batch, tk);
        float scale = (float) (1 / Math.sqrt(dh));
        int pairs = batch * heads, square = tq * tk;
        float[] p = StepArrays.forOutput(pairs * square, q.t(), k.t(), v.t()); // the probabilities, saved for backward
        float[] o = StepArrays.forOutput(Shape.size(outShape), q.t(), k.t(), v.t()); // each pair writes its part (beta 0)
        Gemm gemm = Gemms.get();
        Parallel.forRange(pairs, Math.max(1, PARALLEL_MIN_WORK / Math.max(1, square * (dh + dv))), (from, to) -> {
            for (int pair = from; pair < to; pair++) {
                int bi = pair / heads, hi = pair % heads, pOff = pair * square;
                gemm.sgemm(false, true, tq, tk, dh, scale, q.data(), q.at(bi, hi), q.rowStride(), k.data(), k.at(bi, hi), k.rowStride(),
                        0f, p, pOff, tk);
                Softmax.rows(p, pOff, tq, tk, mask, bi * tk, causal);
                gemm.sgemm(false, false, tq, dv, tk, 1f, p, pOff, tk, v.data(), v.at(bi, hi), v.rowStride(), 0f, o, out.at(bi, hi), out.rowStride());
            }
        });
        Tensor result = Tensor.of(o, outShape);
        List<Tensor> inputs = distinct(q.t(), k.t(), v.t());
        return Autograd.record(op, () -> "for O = P V, P = softmax(S) over the unmasked keys, S = Q K^T / sqrt(dh), per (batch, head),"
                + " with P saved: dV = P^T dO, dP = dO V^T, dS = P * (dP - rowsum(dP * P)), dQ = dS K / sqrt(dh), dK = dS^T Q / sqrt(dh)",
                result, (g, need) -> backward(g.data(), need, inputs, q, k, v, out, p, batch, heads, tq, tk, dh, dv, scale),
                inputs.toArray(new Tensor[0]));
    }

    /** Each tensor once, so that q, k and v packed in one tensor give one input whose gradient holds all three parts. */
    private static List<Tensor> distinct(Tensor... ts) {
        List<Tensor> list = new ArrayList<>();
        for (Tensor t : ts) {
            boolean seen = false;
            for (Tensor u : list) seen |= u == t;
            if (!seen) list.add(t);
        }
        return list;
    }

    private static Tensor[] backward(float[] dO, boolean[] need, List<Tensor> inputs, View q, View k, View v, View out,
                                     float[] p, int batch, int heads, int tq, int tk, int dh, int dv, float scale) {
        float[][] grads = new float[inputs.size()][];
        // zeroed: the pairs' products add into them
        for (int i = 0; i < grads.length; i++) if (need[i]) grads[i] = RecycledArrays.takeZeroed(inputs.get(i).size());
        float[] dq = grads[inputs.indexOf(q.t())], dk = grads[inputs.indexOf(k.t())], dvv = grads[inputs.indexOf(v.t())];
        Gemm gemm = Gemms.get();
        int pairs = batch * heads, square = tq * tk;
        Parallel.forRange(pairs, Math.max(1, PARALLEL_MIN_WORK / Math.max(1, square * (dh + dv))), (from, to) -> {
            float[] ds = new float[square];
            for (int pair = from; pair < to; pair++) {
                int bi = pair / heads, hi = pair % heads, pOff = pair * square, oOff = out.at(bi, hi);
                // The pairs write disjoint blocks of each gradient; beta 1 adds up roles that share a block.
                if (dvv != null) {
                    gemm.sgemm(true, false, tk, dv, tq, 1f, p, pOff, tk, dO, oOff, out.rowStride(), 1f, dvv, v.at(bi, hi), v.rowStride());
                }
                if (dq == null && dk == null) continue;
                gemm.sgemm(false, true, tq, tk, dv, 1f, dO, oOff, out.rowStride(), v.data(), v.at(bi, hi), v.rowStride(), 0f, ds, 0, tk);
                Softmax.scoreGradient(p, pOff, ds, 0, tq, tk);
                if (dq != null) {
                    gemm.sgemm(false, false, tq, dh, tk, scale, ds, 0, tk, k.data(), k.at(bi, hi), k.rowStride(), 1f, dq, q.at(bi, hi), q.rowStride());
                }
                if (dk != null) {
                    gemm.sgemm(true, false, tk, dh, tq, scale, ds, 0, tk, q.data(), q.at(bi, hi), q.rowStride(), 1f, dk, k.at(bi, hi), k.rowStride());
                }
            }
        });
        Tensor[] result = new Tensor[grads.length];
        for (int i = 0; i < grads.length; i++) if (grads[i] != null) result[i] = Tensor.ofRecyclable(grads[i], inputs.get(i).shape());
        return result;
    }

    private static float[] keyMaskData(String op, Tensor keyMask, int batch, int tk) {
        if (keyMask == null) return null;
        int[] s = keyMask.shape();
        if (s.length != 2 || s[0] != batch || s[1] != tk) {
            throw new IllegalArgumentException(op + ": the key mask must be [batch, Tk] = [" + batch + ", " + tk + "], got " + Shape.str(s));
        }
        return keyMask.data();
    }
}
