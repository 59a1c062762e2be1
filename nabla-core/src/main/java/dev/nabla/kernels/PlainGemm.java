package dev.nabla.kernels;

/**
 * GEMM in plain Java loops, for JVMs without the Vector API. The inner loop always runs over contiguous
 * columns of C and of a packed copy of B, in i-k-j order, so C2 auto-vectorises it; four k steps are fused per
 * pass. B is packed (with alpha folded in, and transposed when
 * needed) in KC x NC blocks that stay in L2; rows of C are split across {@link Parallel} threads.
 */
public final class PlainGemm implements Gemm {

    private static final int KC = 256;
    private static final int NC = 512;
    /** Minimum rows per thread, so each thread amortises its B packing. */
    private static final int MIN_ROWS = 16;

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    @Override
    public String name() {
        return "plain";
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float alpha, float[] a, int aOffset, int lda,
                      float[] b, int bOffset, int ldb,
                      float beta, float[] c, int cOffset, int ldc) {
        if (GemmChecks.checkedTrivial(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc)) return;
        if (ScalarSmallGemm.takes(m, n, k)) {
            ScalarSmallGemm.sgemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
            return;
        }
        Parallel.forRange(m, MIN_ROWS, (i0, i1) -> {
            GemmChecks.scale(beta, c, cOffset, ldc, i0, i1, n);
            blocked(transA, transB, i0, i1, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
        });
    }

    private static void blocked(boolean transA, boolean transB, int i0, int i1, int n, int k, float alpha,
                                float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                float[] c, int cOff, int ldc) {
        Buffers w = BUFFERS.get();
        float[][] bp = w.b;
        float[] acc = w.acc;
        int as = transA ? 1 : lda, ap = transA ? lda : 1;
        for (int jc = 0; jc < n; jc += NC) {
            int nb = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kb = Math.min(KC, k - pc);
                packB(transB, b, bOff, ldb, pc, kb, jc, nb, alpha, bp);
                for (int i = i0; i < i1; i++) {
                    int c0 = cOff + i * ldc + jc;
                    int ar = aOff + i * as + pc * ap;
                    System.arraycopy(c, c0, acc, 0, nb);
                    int p = 0;
                    for (; p + 4 <= kb; p += 4) {
                        int q = ar + p * ap;
                        axpy4(acc, bp[p], bp[p + 1], bp[p + 2], bp[p + 3], nb,
                                a[q], a[q + ap], a[q + 2 * ap], a[q + 3 * ap]);
                    }
                    for (; p < kb; p++) axpy(acc, bp[p], nb, a[ar + p * ap]);
                    System.arraycopy(acc, 0, c, c0, nb);
                }
            }
        }
    }

    /*
     * The loops below index every array from 0 with the same j. C2 (JDK 17) only vectorises a loop when it can
     * compare the addresses of all its loads and stores; an invariant offset on one array (c[cr + j]) makes them
     * incomparable and the loop stays scalar (about 5x slower). Hence B packed as one array per row and an
     * accumulator row copied in and out of C. (Sharing each B load between two rows of C looked better on
     * paper but C2 then gives up vectorising.)
     */

    /** Four steps of k per pass over the row: one load and store of acc per four multiply-adds. */
    private static void axpy4(float[] acc, float[] b0, float[] b1, float[] b2, float[] b3, int nb,
                              float a0, float a1, float a2, float a3) {
        for (int j = 0; j < nb; j++) acc[j] += a0 * b0[j] + a1 * b1[j] + a2 * b2[j] + a3 * b3[j];
    }

    private static void axpy(float[] acc, float[] x, int nb, float alpha) {
        for (int j = 0; j < nb; j++) acc[j] += alpha * x[j];
    }

    /** bp[p][j] = alpha * op(B)(pc+p, jc+j). */
    private static void packB(boolean transB, float[] b, int bOff, int ldb, int pc, int kb, int jc, int nb,
                              float alpha, float[][] bp) {
        if (!transB) {
            for (int p = 0; p < kb; p++) {
                float[] row = bp[p];
                System.arraycopy(b, bOff + (pc + p) * ldb + jc, row, 0, nb);
                if (alpha != 1f) for (int j = 0; j < nb; j++) row[j] *= alpha;
            }
        } else {
            // Stored B is n x k: read it along its rows (contiguous) and scatter into the columns of bp.
            for (int j = 0; j < nb; j++) {
                int src = bOff + (jc + j) * ldb + pc;
                for (int p = 0; p < kb; p++) bp[p][j] = alpha * b[src + p];
            }
        }
    }

    /** Per-thread packing space, reused across calls. */
    private static final class Buffers {
        final float[][] b = new float[KC][NC];
        final float[] acc = new float[NC];
    }
}
