package dev.nabla.kernels;

/**
 * GEMM in plain Java loops, for JVMs without the Vector API. The inner loop always runs over contiguous
 * columns of C and of a packed copy of B, in i-k-j order, so C2 auto-vectorises it; four k steps are fused per
 * pass to cut the loads and stores of C per multiply-add. B is packed (with alpha folded in, and transposed
 * when needed) in KC x NC blocks that stay in L2; rows of C are split across {@link Parallel} threads.
 */
public final class PlainGemm implements Gemm {

    private static final int KC = 256;
    private static final int NC = 512;
    /** Below this many multiply-adds the packing and thread handoff cost more than they save. */
    private static final long SMALL = 32 * 1024;
    /** Minimum rows per thread, so each thread amortises its B packing. */
    private static final int MIN_ROWS = 16;

    private static final ThreadLocal<float[]> PACK = ThreadLocal.withInitial(() -> new float[KC * NC]);

    @Override
    public String name() {
        return "plain";
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float alpha, float[] a, int aOffset, int lda,
                      float[] b, int bOffset, int ldb,
                      float beta, float[] c, int cOffset, int ldc) {
        GemmChecks.check(transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0f) {
            GemmChecks.scale(beta, c, cOffset, ldc, 0, m, n);
            return;
        }
        if ((long) m * n * k < SMALL) {
            GemmChecks.scale(beta, c, cOffset, ldc, 0, m, n);
            small(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
            return;
        }
        Parallel.forRange(m, MIN_ROWS, (i0, i1) -> {
            GemmChecks.scale(beta, c, cOffset, ldc, i0, i1, n);
            blocked(transA, transB, i0, i1, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
        });
    }

    /** Unpacked loops for tiny problems: no allocation, no thread handoff. C has already been scaled by beta. */
    static void small(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        int as = transA ? 1 : lda, ap = transA ? lda : 1; // A(i,p) = a[aOff + i*as + p*ap]
        if (!transB) {
            for (int i = 0; i < m; i++) {
                int cr = cOff + i * ldc;
                for (int p = 0; p < k; p++) {
                    float av = alpha * a[aOff + i * as + p * ap];
                    int br = bOff + p * ldb;
                    for (int j = 0; j < n; j++) c[cr + j] += av * b[br + j];
                }
            }
        } else {
            // B(p,j) = b[bOff + j*ldb + p]: a dot product over p is contiguous in B.
            for (int i = 0; i < m; i++) {
                int cr = cOff + i * ldc;
                for (int j = 0; j < n; j++) {
                    int br = bOff + j * ldb;
                    float s = 0f;
                    for (int p = 0; p < k; p++) s += a[aOff + i * as + p * ap] * b[br + p];
                    c[cr + j] += alpha * s;
                }
            }
        }
    }

    private static void blocked(boolean transA, boolean transB, int i0, int i1, int n, int k, float alpha,
                                float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                float[] c, int cOff, int ldc) {
        float[] buf = PACK.get();
        int as = transA ? 1 : lda, ap = transA ? lda : 1;
        for (int jc = 0; jc < n; jc += NC) {
            int nb = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kb = Math.min(KC, k - pc);
                packB(transB, b, bOff, ldb, pc, kb, jc, nb, alpha, buf);
                for (int i = i0; i < i1; i++) {
                    int cr = cOff + i * ldc + jc;
                    int ar = aOff + i * as + pc * ap;
                    int p = 0;
                    for (; p + 4 <= kb; p += 4) {
                        float a0 = a[ar + p * ap], a1 = a[ar + (p + 1) * ap];
                        float a2 = a[ar + (p + 2) * ap], a3 = a[ar + (p + 3) * ap];
                        int r0 = p * nb, r1 = r0 + nb, r2 = r1 + nb, r3 = r2 + nb;
                        for (int j = 0; j < nb; j++) {
                            c[cr + j] += a0 * buf[r0 + j] + a1 * buf[r1 + j] + a2 * buf[r2 + j] + a3 * buf[r3 + j];
                        }
                    }
                    for (; p < kb; p++) {
                        float a0 = a[ar + p * ap];
                        int r0 = p * nb;
                        for (int j = 0; j < nb; j++) c[cr + j] += a0 * buf[r0 + j];
                    }
                }
            }
        }
    }

    /** buf[p*nb + j] = alpha * op(B)(pc+p, jc+j). */
    private static void packB(boolean transB, float[] b, int bOff, int ldb, int pc, int kb, int jc, int nb,
                              float alpha, float[] buf) {
        if (!transB) {
            for (int p = 0; p < kb; p++) {
                int src = bOff + (pc + p) * ldb + jc, dst = p * nb;
                for (int j = 0; j < nb; j++) buf[dst + j] = alpha * b[src + j];
            }
        } else {
            // Stored B is n x k: walk it row by row (contiguous reads) and scatter into columns of buf.
            for (int j = 0; j < nb; j++) {
                int src = bOff + (jc + j) * ldb + pc;
                for (int p = 0; p < kb; p++) buf[p * nb + j] = alpha * b[src + p];
            }
        }
    }
}
