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

    /**
     * Lays out op(B) once for many products with the same B and different A, e.g. a recurrent layer's weight at
     * every time step. op(B) is k x n (stored n x k when {@code transB}). Products through the handle give the same
     * bits as {@link #sgemm} called with B itself. This default keeps the arguments only, and its products call
     * {@link #sgemm}; kernels that pack B override both methods.
     *
     * <pre>{@code
     * Gemm gemm = Gemms.get();
     * float[] weightT = new float[64 * 256], state = new float[32 * 64], gates = new float[32 * 256];
     * PackedB packed = gemm.pack(false, 64, 256, weightT, 0, 256);   // op(B) = weightT, 64 x 256
     * for (int step = 0; step < 28; step++) gemm.sgemm(false, 32, 1f, state, 0, 64, packed, 0f, gates, 0, 256);
     * }</pre>
     */
    default PackedB pack(boolean transB, int k, int n, float[] b, int bOffset, int ldb) {
        GemmChecks.checkB(transB, k, n, b, bOffset, ldb);
        return new PackedB(this, transB, k, n, b, bOffset, ldb, null);
    }

    /** {@code C = alpha * op(A) * op(B) + beta * C} for the op(B) in {@code b} (k x n, from {@link #pack}); op(A) is m x k. */
    default void sgemm(boolean transA, int m, float alpha, float[] a, int aOffset, int lda,
                       PackedB b, float beta, float[] c, int cOffset, int ldc) {
        sgemm(transA, b.transB, m, b.n, b.k, alpha, a, aOffset, lda, b.b, b.offset, b.ldb, beta, c, cOffset, ldc);
    }

    /**
     * Lays out op(A) once for many products with the same A and different B, e.g. a convolution's kernel against
     * each image's columns. op(A) is m x k (stored k x m when {@code transA}). Products through the handle give the
     * same bits as {@link #sgemm} called with A itself. This default keeps the arguments only, and its products call
     * {@link #sgemm}; kernels that pack A override both methods.
     */
    default PackedA packA(boolean transA, int m, int k, float[] a, int aOffset, int lda) {
        GemmChecks.checkA(transA, m, k, a, aOffset, lda);
        return new PackedA(this, transA, m, k, a, aOffset, lda, null);
    }

    /** {@code C = alpha * op(A) * op(B) + beta * C} for the op(A) in {@code a} (m x k, from {@link #packA}); op(B) is k x n. */
    default void sgemm(PackedA a, boolean transB, int n, float alpha, float[] b, int bOffset, int ldb,
                       float beta, float[] c, int cOffset, int ldc) {
        sgemm(a.transA, transB, a.m, n, a.k, alpha, a.a, a.offset, a.lda, b, bOffset, ldb, beta, c, cOffset, ldc);
    }

    /** Short name used in benchmarks, logs and the {@code nabla.gemm} property, e.g. {@code "vector"}. */
    String name();
}
