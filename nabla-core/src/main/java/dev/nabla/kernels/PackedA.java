package dev.nabla.kernels;

/**
 * The A operand of many products laid out once, made by {@link Gemm#packA} and used by
 * {@link Gemm#sgemm(PackedA, boolean, int, float, float[], int, int, float, float[], int, int)}: op(A) is
 * {@code m x k}, stored as given to {@code packA}. {@code panels} is the kernel's own copy of op(A) in the layout
 * its micro-kernel reads, or null for a kernel that reads A as stored at each call.
 *
 * <p>The handle keeps A itself too (the products it does not pack for take it as stored), so A must not change
 * while the handle is in use.
 */
public final class PackedA {

    final Gemm kernel;
    final boolean transA;
    final int m, k;
    final float[] a;
    final int offset, lda;
    final float[] panels;

    PackedA(Gemm kernel, boolean transA, int m, int k, float[] a, int offset, int lda, float[] panels) {
        this.kernel = kernel;
        this.transA = transA;
        this.m = m;
        this.k = k;
        this.a = a;
        this.offset = offset;
        this.lda = lda;
        this.panels = panels;
    }

    /** Rows of op(A), and of C. */
    public int m() {
        return m;
    }

    /** Columns of op(A): the depth of the products. */
    public int k() {
        return k;
    }
}
