package dev.nabla.kernels;

/**
 * Single-precision general matrix multiply on row-major arrays, BLAS style:
 * {@code C = alpha * op(A) * op(B) + beta * C}, where {@code op(X)} is X or its transpose.
 *
 * <p>{@code op(A)} is m x k, {@code op(B)} is k x n, C is m x n. {@code lda}, {@code ldb}, {@code ldc} are the
 * row strides of the arrays as stored (so for {@code transA} A is stored k x m with row stride lda).
 * When {@code beta == 0}, C is overwritten and its previous contents (even NaN) are ignored.
 * Implementations must be safe to call from several threads at once.
 */
public interface Gemm {

    void sgemm(boolean transA, boolean transB, int m, int n, int k,
               float alpha, float[] a, int aOffset, int lda,
               float[] b, int bOffset, int ldb,
               float beta, float[] c, int cOffset, int ldc);

    /** Short name used in benchmarks, logs and the {@code nabla.gemm} property, e.g. {@code "vector"}. */
    String name();
}
