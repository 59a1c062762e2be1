package dev.nabla.kernels;

/**
 * The B operand of many products laid out once, made by {@link Gemm#pack} and used by
 * {@link Gemm#sgemm(boolean, int, float, float[], int, int, PackedB, float, float[], int, int)}: op(B) is
 * {@code k x n}, stored as given to {@code pack}. {@code panels} is the kernel's own copy of op(B) in the layout
 * its micro-kernel reads, or null for a kernel that reads B as stored at each call.
 *
 * <p>The handle keeps B itself too (the products it does not pack for take it as stored), so B must not change
 * while the handle is in use.
 */
public final class PackedB {

    final Gemm kernel;
    final boolean transB;
    final int k, n;
    final float[] b;
    final int offset, ldb;
    final float[] panels;

    PackedB(Gemm kernel, boolean transB, int k, int n, float[] b, int offset, int ldb, float[] panels) {
        this.kernel = kernel;
        this.transB = transB;
        this.k = k;
        this.n = n;
        this.b = b;
        this.offset = offset;
        this.ldb = ldb;
        this.panels = panels;
    }

    /** Rows of op(B): the depth of the products. */
    public int k() {
        return k;
    }

    /** Columns of op(B), and of C. */
    public int n() {
        return n;
    }
}
