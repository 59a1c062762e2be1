package dev.nabla.kernels;

/**
 * Small products (below about 32K multiply-adds) of the plain kernel, the one used without the Vector API: loops in
 * axpy form, {@code c[j] += a * b[j]} over contiguous rows, which C2 vectorises by itself. {@link #takes} decides for
 * every kernel what counts as small ({@link VectorSmallGemm} is the vector kernel's version). op(B) is
 * transposed into rows when stored transposed; a C narrower than {@link #NARROW} columns (a 3-class output layer) is
 * computed transposed, so that the inner loop runs over its long side.
 */
final class ScalarSmallGemm {

    static final int NARROW = 8;
    /** Below this many multiply-adds, packing and waking other threads cost more than they save. */
    private static final long MAX_WORK = 32 * 1024;
    /**
     * Up to this many multiply-adds, one loop per entry of C and no copies ({@link #tiny}): a 4x3x5 product (W1's
     * size) spent most of its 200 ns allocating its two transposes.
     */
    private static final long TINY = 512;

    private ScalarSmallGemm() {}

    /** Whether a product is small enough for these loops (every kernel sends such products here). */
    static boolean takes(int m, int n, int k) {
        return (long) m * n * k < MAX_WORK;
    }

    static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float alpha, float[] a, int aOff, int lda,
                      float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        if ((long) m * n * k <= TINY) {
            tiny(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        } else if (n < NARROW && m > n) {
            narrow(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        } else {
            general(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        }
    }

    /**
     * Each entry of C as one sum over p, reading A and B where they are stored, with the roundings of the path the
     * product would take otherwise, so the same bits: {@link #narrow}'s (the products summed from zero, then beta C
     * added) or {@link #general}'s (the products added to beta C in turn); (alpha x) y is each product as there.
     * Narrow C takes two entries of a row per pass over p, which share A's loads.
     */
    static void tiny(boolean transA, boolean transB, int m, int n, int k,
                     float alpha, float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        boolean narrow = n < NARROW && m > n;
        int as = transA ? 1 : lda, ap = transA ? lda : 1; // A(i,p) = a[aOff + i*as + p*ap]
        int bp = transB ? 1 : ldb, bj = transB ? ldb : 1; // op(B)(p,j) = b[bOff + p*bp + j*bj]
        for (int i = 0; i < m; i++) {
            int ar = aOff + i * as, cr = cOff + i * ldc, j = 0;
            if (narrow) {
                for (; j + 2 <= n; j += 2) {
                    float s0 = 0f, s1 = 0f;
                    int b0 = bOff + j * bj, b1 = b0 + bj;
                    for (int p = 0; p < k; p++) {
                        float av = a[ar + p * ap];
                        s0 += alpha * b[b0 + p * bp] * av;
                        s1 += alpha * b[b1 + p * bp] * av;
                    }
                    c[cr + j] = beta == 0f ? s0 : s0 + beta * c[cr + j];
                    c[cr + j + 1] = beta == 0f ? s1 : s1 + beta * c[cr + j + 1];
                }
                for (; j < n; j++) {
                    float s = 0f;
                    for (int p = 0; p < k; p++) s += alpha * b[bOff + j * bj + p * bp] * a[ar + p * ap];
                    c[cr + j] = beta == 0f ? s : s + beta * c[cr + j];
                }
            } else {
                for (; j < n; j++) {
                    int o = cr + j;
                    float s = beta == 0f ? 0f : beta == 1f ? c[o] : c[o] * beta;
                    for (int p = 0; p < k; p++) s += alpha * a[ar + p * ap] * b[bOff + j * bj + p * bp];
                    c[o] = s;
                }
            }
        }
    }

    /** C += alpha A op(B) in axpy form over rows of op(B) (copied into rows when stored transposed), after C *= beta. */
    static void general(boolean transA, boolean transB, int m, int n, int k,
                        float alpha, float[] a, int aOff, int lda,
                        float[] b, int bOff, int ldb,
                        float beta, float[] c, int cOff, int ldc) {
        float[] rows = b;
        int rowsOff = bOff, rowsLd = ldb;
        if (transB) { // op(B) as k rows of n
            rows = transposed(b, bOff, ldb, n, k);
            rowsOff = 0;
            rowsLd = n;
        }
        GemmChecks.scale(beta, c, cOff, ldc, 0, m, n);
        int as = transA ? 1 : lda, ap = transA ? lda : 1; // A(i,p) = a[aOff + i*as + p*ap]
        for (int i = 0; i < m; i++) {
            int cr = cOff + i * ldc;
            for (int p = 0; p < k; p++) {
                float av = alpha * a[aOff + i * as + p * ap];
                int br = rowsOff + p * rowsLd;
                for (int j = 0; j < n; j++) c[cr + j] += av * rows[br + j];
            }
        }
    }

    /** C^T (n x m) = op(B)^T op(A)^T, accumulated along rows of op(A)^T (k rows of m), then added into C. */
    static void narrow(boolean transA, boolean transB, int m, int n, int k,
                       float alpha, float[] a, int aOff, int lda,
                       float[] b, int bOff, int ldb,
                       float beta, float[] c, int cOff, int ldc) {
        float[] at;
        int atOff, atLd;
        if (transA) { // A is stored k x m: its rows are already op(A)^T's
            at = a;
            atOff = aOff;
            atLd = lda;
        } else {
            at = transposed(a, aOff, lda, m, k);
            atOff = 0;
            atLd = m;
        }
        float[] ct = new float[n * m];
        for (int j = 0; j < n; j++) {
            int cr = j * m;
            for (int p = 0; p < k; p++) {
                float bv = alpha * b[bOff + (transB ? j * ldb + p : p * ldb + j)];
                int ar = atOff + p * atLd;
                for (int i = 0; i < m; i++) ct[cr + i] += bv * at[ar + i];
            }
        }
        for (int i = 0; i < m; i++) {
            int r = cOff + i * ldc;
            for (int j = 0; j < n; j++) c[r + j] = beta == 0f ? ct[j * m + i] : ct[j * m + i] + beta * c[r + j];
        }
    }

    /** The transpose of the {@code rows x cols} matrix at {@code x[off]} (row stride {@code ld}), packed. */
    static float[] transposed(float[] x, int off, int ld, int rows, int cols) {
        float[] t = new float[cols * rows];
        transpose(x, off, ld, rows, cols, t);
        return t;
    }

    /** Writes that transpose into the first {@code rows * cols} elements of {@code t}. */
    static void transpose(float[] x, int off, int ld, int rows, int cols, float[] t) {
        for (int r = 0; r < rows; r++) {
            int from = off + r * ld;
            for (int q = 0; q < cols; q++) t[q * rows + r] = x[from + q];
        }
    }
}
