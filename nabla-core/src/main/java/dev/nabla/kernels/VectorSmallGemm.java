package dev.nabla.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link VectorGemm}'s small products (those {@link ScalarSmallGemm#takes}), with explicit vectors. The plain loops
 * of {@link ScalarSmallGemm} are what C2 vectorises only in a loop's unrolled main part, which rows of 32 or fewer
 * floats never reach: a 120x32x4 product ran scalar, 7 microseconds, a third of a W2 step. Here each C row segment of
 * one vector is accumulated in a register over the whole depth, so such a product takes well under a microsecond.
 * Shapes:
 * <ul>
 *   <li>general: C[i, j..j+L) += sum_p A(i, p) op(B)[p, j..j+L), op(B) as k contiguous rows (copied when stored
 *       transposed);</li>
 *   <li>narrow C (fewer than {@link #NARROW} columns, e.g. a 3-class output layer) with A stored as is: one vector
 *       dot product per entry along A's contiguous rows;</li>
 *   <li>narrow C with A stored transposed: C^T = op(B)^T A^T by the general loop, whose rows are A's stored rows.</li>
 * </ul>
 * Products whose vector loop would not run once (rows shorter than a vector, as in a 2-3-1 network) go to
 * {@link ScalarSmallGemm}: Vector API code is slow until C2 compiles it, and such a job may end before that.
 */
final class VectorSmallGemm {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int NARROW = 8;

    /** Per-thread scratch for a transposed op(B); small products only, so it stays below 32K floats. */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[1][0]);

    private VectorSmallGemm() {}

    /** Each thread's gather offsets {@code lane * ld} for the last ld it transposed with, at [L]. */
    private static final ThreadLocal<int[]> LANE_ROWS = ThreadLocal.withInitial(() -> new int[L + 1]);

    /**
     * The [rows, cols] block at x[off] (rows ld apart) transposed into t[0, rows * cols): a vector of L rows' values
     * at a time, gathered (a 16 x 16 block, the attention's K per head, took longer to transpose element by element
     * than to multiply); the rows past the last whole vector element by element. The same values, so the same bits.
     */
    static void transpose(float[] x, int off, int ld, int rows, int cols, float[] t) {
        int[] lanes = LANE_ROWS.get();
        if (lanes[L] != ld) { // a new array of zeros already holds the offsets for ld 0
            for (int i = 0; i < L; i++) lanes[i] = i * ld;
            lanes[L] = ld;
        }
        int r = 0;
        for (; r + L <= rows; r += L) {
            for (int q = 0; q < cols; q++) FloatVector.fromArray(S, x, off + r * ld + q, lanes, 0).intoArray(t, q * rows + r);
        }
        for (; r < rows; r++) {
            int from = off + r * ld;
            for (int q = 0; q < cols; q++) t[q * rows + r] = x[from + q];
        }
    }

    private static float[] scratch(int size) {
        float[][] holder = SCRATCH.get();
        if (holder[0].length < size) holder[0] = new float[size];
        return holder[0];
    }

    /**
     * Whether the vector loop would not run once on this product, which then goes to the plain loops and no vector
     * code. Asked before {@link #sgemm} is called, so that such a product does not pass through its vector code.
     */
    static boolean tooNarrow(boolean transA, int m, int n, int k) {
        return (n < NARROW && m > n ? (transA ? m : k) : n) < L;
    }

    /** A small product for which {@link #tooNarrow} is false. */
    static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float alpha, float[] a, int aOff, int lda,
                      float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        boolean narrow = n < NARROW && m > n;
        int as = transA ? 1 : lda, ap = transA ? lda : 1; // A(i, p) = a[aOff + i*as + p*ap]
        int bp = transB ? 1 : ldb, bj = transB ? ldb : 1; // op(B)(p, j) = b[bOff + p*bp + j*bj]
        if (narrow && !transA) {
            float[] columns = b; // op(B)'s columns as n contiguous rows of k
            int colOff = bOff, colLd = ldb;
            if (!transB) {
                columns = ScalarSmallGemm.transposed(b, bOff, ldb, k, n);
                colOff = 0;
                colLd = k;
            }
            dots(m, n, k, alpha, a, aOff, lda, columns, colOff, colLd, beta, c, cOff, ldc);
        } else if (narrow) {
            float[] ct = new float[n * m];
            rows(n, m, k, alpha, b, bOff, bj, bp, a, aOff, lda, 0f, ct, 0, m);
            for (int i = 0; i < m; i++) {
                int r = cOff + i * ldc;
                for (int j = 0; j < n; j++) c[r + j] = beta == 0f ? ct[j * m + i] : ct[j * m + i] + beta * c[r + j];
            }
        } else if (transB) {
            // op(B) into rows, in this thread's scratch array: allocating it took longer than a 16x16x16 product
            float[] rows = scratch(k * n);
            transpose(b, bOff, ldb, n, k, rows);
            rows(m, n, k, alpha, a, aOff, as, ap, rows, 0, n, beta, c, cOff, ldc);
        } else {
            rows(m, n, k, alpha, a, aOff, as, ap, b, bOff, ldb, beta, c, cOff, ldc);
        }
    }

    /** C = alpha * A * R + beta * C, with A(i, p) = a[aOff + i*as + p*ap] and R's k rows of n contiguous. */
    private static void rows(int m, int n, int k, float alpha, float[] a, int aOff, int as, int ap,
                             float[] r, int rOff, int ldr, float beta, float[] c, int cOff, int ldc) {
        int i = 0;
        // Four rows at a time: four independent multiply-add chains share each load of R (one chain alone waits
        // out the FMA latency at every step: a 16x16x16 product ran at a third of the speed).
        for (; i + 4 <= m; i += 4) {
            int ar = aOff + i * as, cr = cOff + i * ldc;
            int j = 0;
            for (; j + L <= n; j += L) {
                FloatVector acc0 = FloatVector.zero(S), acc1 = acc0, acc2 = acc0, acc3 = acc0;
                for (int p = 0; p < k; p++) {
                    FloatVector rv = FloatVector.fromArray(S, r, rOff + p * ldr + j);
                    int q = ar + p * ap;
                    acc0 = rv.fma(FloatVector.broadcast(S, a[q]), acc0);
                    acc1 = rv.fma(FloatVector.broadcast(S, a[q + as]), acc1);
                    acc2 = rv.fma(FloatVector.broadcast(S, a[q + 2 * as]), acc2);
                    acc3 = rv.fma(FloatVector.broadcast(S, a[q + 3 * as]), acc3);
                }
                store(acc0, alpha, beta, c, cr + j);
                store(acc1, alpha, beta, c, cr + ldc + j);
                store(acc2, alpha, beta, c, cr + 2 * ldc + j);
                store(acc3, alpha, beta, c, cr + 3 * ldc + j);
            }
            if (j < n) tailColumns(4, j, n, k, alpha, a, ar, as, ap, r, rOff, ldr, beta, c, cr, ldc);
        }
        for (; i < m; i++) {
            int ar = aOff + i * as, cr = cOff + i * ldc;
            int j = 0;
            for (; j + L <= n; j += L) {
                FloatVector acc = FloatVector.zero(S);
                for (int p = 0; p < k; p++) {
                    acc = FloatVector.fromArray(S, r, rOff + p * ldr + j).fma(FloatVector.broadcast(S, a[ar + p * ap]), acc);
                }
                store(acc, alpha, beta, c, cr + j);
            }
            if (j < n) tailColumns(1, j, n, k, alpha, a, ar, as, ap, r, rOff, ldr, beta, c, cr, ldc);
        }
    }

    /** Columns j0..n (past the last full vector) of {@code rows} rows of C starting at A row offset ar. */
    private static void tailColumns(int rows, int j0, int n, int k, float alpha, float[] a, int ar, int as, int ap,
                                    float[] r, int rOff, int ldr, float beta, float[] c, int cr, int ldc) {
        for (int i = 0; i < rows; i++) {
            for (int j = j0; j < n; j++) {
                float s = 0;
                for (int p = 0; p < k; p++) s += a[ar + i * as + p * ap] * r[rOff + p * ldr + j];
                int o = cr + i * ldc + j;
                c[o] = beta == 0f ? alpha * s : alpha * s + beta * c[o];
            }
        }
    }

    /** C(i, j) = alpha * dot(A row i, column row j) + beta * C(i, j), both rows contiguous over k. */
    private static void dots(int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                             float[] columns, int colOff, int colLd, float beta, float[] c, int cOff, int ldc) {
        int full = k - k % L;
        for (int i = 0; i < m; i++) {
            int ar = aOff + i * lda, cr = cOff + i * ldc;
            for (int j = 0; j < n; j++) {
                int br = colOff + j * colLd;
                FloatVector acc = FloatVector.zero(S);
                for (int p = 0; p < full; p += L) {
                    acc = FloatVector.fromArray(S, a, ar + p).fma(FloatVector.fromArray(S, columns, br + p), acc);
                }
                float s = acc.reduceLanes(VectorOperators.ADD);
                for (int p = full; p < k; p++) s += a[ar + p] * columns[br + p];
                c[cr + j] = beta == 0f ? alpha * s : alpha * s + beta * c[cr + j];
            }
        }
    }

    private static void store(FloatVector acc, float alpha, float beta, float[] c, int at) {
        FloatVector v = acc.mul(alpha);
        if (beta != 0f) v = FloatVector.fromArray(S, c, at).mul(beta).add(v);
        v.intoArray(c, at);
    }
}
