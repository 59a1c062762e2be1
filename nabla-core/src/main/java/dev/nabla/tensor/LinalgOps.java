package dev.nabla.tensor;

import dev.nabla.autograd.Autograd;
import dev.nabla.kernels.Elementwise;
import dev.nabla.kernels.Gemm;
import dev.nabla.kernels.Gemms;

import java.util.Arrays;

/** Matrix multiplication, 2-D and batched (leading dimensions broadcast), with optional transposed operands. */
final class LinalgOps {
    private LinalgOps() {}

    static Tensor matmul(Tensor a, boolean ta, Tensor b, boolean tb) {
        if (a.shape.length == 0 || b.shape.length == 0) {
            throw new IllegalArgumentException("matmul: scalar operand, shapes " + Shape.str(a.shape) + " @ " + Shape.str(b.shape));
        }
        if (a.shape.length == 1 || b.shape.length == 1) return matmulVector(a, ta, b, tb);
        int ra = a.shape.length, rb = b.shape.length;
        int m = ta ? a.shape[ra - 1] : a.shape[ra - 2];
        int k = ta ? a.shape[ra - 2] : a.shape[ra - 1];
        int kb = tb ? b.shape[rb - 1] : b.shape[rb - 2];
        int n = tb ? b.shape[rb - 2] : b.shape[rb - 1];
        if (k != kb) {
            throw new IllegalArgumentException("matmul: " + describe(a, ta) + " @ " + describe(b, tb)
                    + ": inner dimensions " + k + " and " + kb + " differ");
        }
        int[] batchA = Arrays.copyOf(a.shape, ra - 2), batchB = Arrays.copyOf(b.shape, rb - 2);
        int[] batch = Shape.broadcast("matmul", batchA, batchB);
        int[] outShape = Arrays.copyOf(batch, batch.length + 2);
        outShape[batch.length] = m;
        outShape[batch.length + 1] = n;
        float[] c = new float[Shape.size(outShape)];
        Gemm gemm = Gemms.get();
        int lda = ta ? m : k, ldb = tb ? k : n;
        int batches = Shape.size(batch);
        if (batches == 1 || foldsIntoRows(a, ta, b)) {
            // [..., m, k] @ [k, n] is one [rows, k] @ [k, n] product: the leading dimensions are more rows of A
            gemm.sgemm(ta, tb, batches * m, n, k, 1f, a.data, 0, lda, b.data, 0, ldb, 0f, c, 0, n);
        } else {
            int[] sa = Elementwise.broadcastStrides(batchA, batch), sb = Elementwise.broadcastStrides(batchB, batch);
            int[] idx = new int[batch.length];
            int matA = m * k, matB = k * n;
            for (int p = 0; p < batches; p++) {
                int oa = 0, ob = 0;
                for (int d = 0; d < batch.length; d++) {
                    oa += idx[d] * sa[d];
                    ob += idx[d] * sb[d];
                }
                gemm.sgemm(ta, tb, m, n, k, 1f, a.data, oa * matA, lda, b.data, ob * matB, ldb, 0f, c, p * m * n, n);
                for (int d = batch.length - 1; d >= 0; d--) {
                    if (++idx[d] < batch[d]) break;
                    idx[d] = 0;
                }
            }
        }
        Tensor out = new Tensor(c, outShape);
        return Autograd.record("matmul", () -> "for Y = A @ B: dA = dY @ B^T and dB = A^T @ dY",
                out, (g, need) -> new Tensor[] {
                need[0] ? gradA(g, a, ta, b, tb) : null,
                need[1] ? gradB(g, a, ta, b, tb) : null}, a, b);
    }

    /** Gradient for A as stored: g @ op(B)^T, transposed back when A was used transposed. */
    private static Tensor gradA(Tensor g, Tensor a, boolean ta, Tensor b, boolean tb) {
        Tensor bd = b.detach();
        return ta ? matmul(bd, tb, g, true) : matmul(g, false, bd, !tb);
    }

    /**
     * Whether the batch dimensions of A can simply be more rows: A batched and not transposed, B a matrix (a Dense
     * kernel applied to a [batch, time, features] sequence).
     */
    private static boolean foldsIntoRows(Tensor a, boolean ta, Tensor b) {
        return !ta && a.shape.length > 2 && b.shape.length == 2;
    }

    /** Gradient for B as stored: op(A)^T @ g, transposed back when B was used transposed. */
    private static Tensor gradB(Tensor g, Tensor a, boolean ta, Tensor b, boolean tb) {
        if (foldsIntoRows(a, ta, b)) {
            // one [k, rows] @ [rows, n] product instead of a product per batch entry summed afterwards
            int k = a.shape[a.shape.length - 1];
            return gradB(g.reshape(-1, g.shape[g.shape.length - 1]), a.detach().reshape(-1, k), false, b, tb);
        }
        Tensor ad = a.detach();
        return tb ? matmul(g, true, ad, ta) : matmul(ad, !ta, g, false);
    }

    /** NumPy's rules for 1-D operands: a vector on the left is a row, on the right a column; the added axis is dropped. */
    private static Tensor matmulVector(Tensor a, boolean ta, Tensor b, boolean tb) {
        boolean va = a.shape.length == 1, vb = b.shape.length == 1;
        Tensor a2 = va ? a.reshape(1, a.shape[0]) : a;
        Tensor b2 = vb ? b.reshape(b.shape[0], 1) : b;
        Tensor r = matmul(a2, ta && !va, b2, tb && !vb);
        int[] s = r.shape;
        if (va && vb) return r.reshape();
        if (va) return r.squeeze(s.length - 2);
        return r.squeeze(s.length - 1);
    }

    private static String describe(Tensor t, boolean transposed) {
        if (!transposed) return Shape.str(t.shape);
        int[] s = t.shape.clone();
        int r = s.length;
        int tmp = s[r - 1];
        s[r - 1] = s[r - 2];
        s[r - 2] = tmp;
        return Shape.str(s) + " (transposed)";
    }
}
