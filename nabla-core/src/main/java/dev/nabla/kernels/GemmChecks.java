package dev.nabla.kernels;

/**
 * Argument validation and the beta pre-scaling shared by the GEMM kernels, public so that kernels in other
 * modules (e.g. the OpenBLAS bridge) reject bad arguments with the same messages.
 *
 * <pre>{@code
 * GemmChecks.check(false, false, m, n, k, a, 0, k, b, 0, n, c, 0, n); // IllegalArgumentException if anything does not fit
 * }</pre>
 */
public final class GemmChecks {
    private GemmChecks() {}

    /**
     * Throws {@link IllegalArgumentException} naming the operand, its shape, offset and leading dimension when
     * a size is negative or an operand does not fit in its array. Operands are not checked when they are not
     * read (A and B when k is 0, everything when m or n is 0).
     */
    public static void check(boolean transA, boolean transB, int m, int n, int k,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("negative gemm size m=" + m + " n=" + n + " k=" + k);
        }
        if (m == 0 || n == 0) return;
        checkOperand("C", c, cOff, ldc, m, n);
        if (k == 0) return;
        checkOperand("A", a, aOff, lda, transA ? k : m, transA ? m : k);
        checkOperand("B", b, bOff, ldb, transB ? n : k, transB ? k : n);
    }

    /** {@link #check} for the B operand alone (op(B) k x n), as {@link Gemm#pack} takes it. */
    public static void checkB(boolean transB, int k, int n, float[] b, int bOff, int ldb) {
        if (k < 0 || n < 0) throw new IllegalArgumentException("negative gemm size n=" + n + " k=" + k);
        if (k > 0 && n > 0) checkOperand("B", b, bOff, ldb, transB ? n : k, transB ? k : n);
    }

    /** {@link #check} for the A operand alone (op(A) m x k), as {@link Gemm#packA} takes it. */
    public static void checkA(boolean transA, int m, int k, float[] a, int aOff, int lda) {
        if (m < 0 || k < 0) throw new IllegalArgumentException("negative gemm size m=" + m + " k=" + k);
        if (m > 0 && k > 0) checkOperand("A", a, aOff, lda, transA ? k : m, transA ? m : k);
    }

    /**
     * Checks the arguments, then handles the products that need no multiplication: nothing to do when C is empty,
     * and only {@code C *= beta} when k is 0 or alpha is 0. Returns true when the call is complete.
     */
    public static boolean checkedTrivial(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                         float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                         float beta, float[] c, int cOff, int ldc) {
        check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        if (m == 0 || n == 0) return true;
        if (k == 0 || alpha == 0f) {
            scale(beta, c, cOff, ldc, 0, m, n);
            return true;
        }
        return false;
    }

    private static void checkOperand(String what, float[] x, int off, int ld, int rows, int cols) {
        if (ld < cols || off < 0 || (long) off + (long) (rows - 1) * ld + cols > x.length) {
            throw new IllegalArgumentException(what + " (" + rows + "x" + cols + ", offset " + off + ", ld " + ld
                    + ") does not fit in an array of length " + x.length);
        }
    }

    /** C[rows i0..i1) *= beta, with beta == 0 overwriting (so NaN/Inf in C are discarded). */
    public static void scale(float beta, float[] c, int cOff, int ldc, int i0, int i1, int n) {
        if (beta == 1f) return;
        for (int i = i0; i < i1; i++) {
            int r = cOff + i * ldc;
            if (beta == 0f) {
                java.util.Arrays.fill(c, r, r + n, 0f);
            } else {
                for (int j = 0; j < n; j++) c[r + j] *= beta;
            }
        }
    }
}
