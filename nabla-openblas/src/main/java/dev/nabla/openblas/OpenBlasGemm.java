package dev.nabla.openblas;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;

import dev.nabla.kernels.Gemm;
import dev.nabla.kernels.GemmChecks;
import dev.nabla.kernels.Parallel;
import dev.nabla.kernels.PlainGemm;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * {@link Gemm} backed by OpenBLAS's {@code cblas_sgemm} (the bytedeco build, BLAS only, no LAPACK).
 *
 * <p>Operands are copied into per-thread native buffers rather than handed over as Java arrays: that supports
 * offsets, copies only the part of each array the product reads, and never pins the Java heap. OpenBLAS itself
 * runs single-threaded; large products are split over rows or columns of C across {@link Parallel} threads,
 * each copying its own share. Measured on 2 cores, that is faster than letting OpenBLAS's threads work on
 * operands one thread has just copied (their caches then hold nothing useful): about 2x on 128x784 @ 784x256.
 * Tiny products (under 4096 multiply-adds, e.g. a 4-sample XOR batch) go to {@link PlainGemm}: crossing into
 * native code and copying costs more than they do.
 *
 * <pre>{@code
 * Gemm blas = Gemms.named("openblas");   // or run with -Dnabla.gemm=openblas
 * blas.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
 * }</pre>
 */
public final class OpenBlasGemm implements Gemm {

    /** Below this many multiply-adds, the native call and copies cost more than plain Java loops. */
    private static final long TINY = 4096;
    /** Below this many multiply-adds, a second thread costs more than it saves. */
    private static final long PARALLEL = 1 << 20;

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);
    private static final Gemm PLAIN = new PlainGemm();

    /** Loads the native library (throws {@link LinkageError} if it cannot load on this platform). */
    public OpenBlasGemm() {
        Loader.load(openblas_nolapack.class);
        openblas_nolapack.blas_set_num_threads(1);
    }

    @Override
    public String name() {
        return "openblas";
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float alpha, float[] a, int aOffset, int lda,
                      float[] b, int bOffset, int ldb,
                      float beta, float[] c, int cOffset, int ldc) {
        if (GemmChecks.checkedTrivial(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc)) return;
        long work = (long) m * n * k;
        if (work < TINY) {
            PLAIN.sgemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
        } else if (work < PARALLEL || Parallel.threads() == 1) {
            serial(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
        } else if (n <= m) {
            // Row blocks of C: every thread copies all of op(B), so split this way when B is the smaller operand.
            Parallel.forRange(m, 8, (i0, i1) -> serial(transA, transB, i1 - i0, n, k, alpha,
                    a, aOffset + (transA ? i0 : i0 * lda), lda, b, bOffset, ldb, beta, c, cOffset + i0 * ldc, ldc));
        } else {
            Parallel.forRange(n, 8, (j0, j1) -> serial(transA, transB, m, j1 - j0, k, alpha,
                    a, aOffset, lda, b, bOffset + (transB ? j0 * ldb : j0), ldb, beta, c, cOffset + j0, ldc));
        }
    }

    /** One cblas_sgemm call on this thread, on copies of the spans of A, B and C that it reads. */
    private static void serial(boolean transA, boolean transB, int m, int n, int k,
                               float alpha, float[] a, int aOffset, int lda,
                               float[] b, int bOffset, int ldb,
                               float beta, float[] c, int cOffset, int ldc) {
        int aSpan = span(transA ? k : m, transA ? m : k, lda);
        int bSpan = span(transB ? n : k, transB ? k : n, ldb);
        Buffers buf = BUFFERS.get();
        FloatPointer pa = buf.a(aSpan), pb = buf.b(bSpan), pc = buf.c(m * n);
        pa.put(a, aOffset, aSpan);
        pb.put(b, bOffset, bSpan);
        // The native C is compact (row stride n): only this call's elements travel, never the gaps between its
        // rows, which may belong to another thread's columns of the same C.
        if (beta != 0f) {
            if (ldc == n) pc.put(c, cOffset, m * n);
            else for (int i = 0; i < m; i++) pc.position((long) i * n).put(c, cOffset + i * ldc, n);
        }
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                m, n, k, alpha, pa, lda, pb, ldb, beta, pc.position(0), n);
        if (ldc == n) pc.get(c, cOffset, m * n);
        else for (int i = 0; i < m; i++) pc.position((long) i * n).get(c, cOffset + i * ldc, n);
    }

    /** Number of array elements from the first to the last one of a rows x cols operand with row stride ld. */
    private static int span(int rows, int cols, int ld) {
        return (rows - 1) * ld + cols;
    }

    /** Native copies of A, B and C for one thread; each grows (doubling) and is reused across calls. */
    private static final class Buffers {
        private FloatPointer a, b, c;

        FloatPointer a(int size) {
            return a = fit(a, size);
        }

        FloatPointer b(int size) {
            return b = fit(b, size);
        }

        FloatPointer c(int size) {
            return c = fit(c, size);
        }

        private static FloatPointer fit(FloatPointer p, int size) {
            if (p != null && p.capacity() >= size) return p.position(0);
            if (p != null) p.close();
            long capacity = Math.max(1024, p == null ? size : Math.max(size, 2 * p.capacity()));
            return new FloatPointer(capacity);
        }
    }
}
