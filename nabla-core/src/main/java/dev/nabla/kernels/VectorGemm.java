package dev.nabla.kernels;

import java.util.concurrent.atomic.AtomicLong;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * GEMM on the Vector API, organised like BLIS: for each KC x NC block of op(B) (packed into NR-wide column
 * panels) and each MC x KC block of op(A) (packed into MR-tall row panels, alpha folded in), a register-tiled
 * MR x NR micro-kernel accumulates one tile of C in vector registers over the whole KC depth. Packing makes
 * every transpose combination look the same to the micro-kernel and keeps its reads sequential; where a thread's
 * part of C has at most {@link #ROWS_OF_A_MAX_PANELS} column panels and A is stored as is, A's rows are copied as
 * they are instead ({@code Problem.copyRowsOfA}), which costs less than the transpose it saves. Tile and block
 * sizes come from the CPU's caches and vector registers ({@link GemmBlocking}): a 12 x 32 tile with AVX-512's 32
 * registers (about 1.3x the GFLOP/s of the 6 x 32 one AVX2 needs, on Sapphire Rapids), 6 x 2 vectors otherwise.
 *
 * <p>Large products are split over rows or columns of C across {@link Parallel} threads; each thread packs into
 * its own buffers, which are kept per thread and reused. Small products go to {@link VectorSmallGemm}, without
 * packing or thread handoff.
 *
 * <p>Only {@link Gemms} loads this class, and only when {@code jdk.incubator.vector} is present.
 */
public final class VectorGemm implements Gemm {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Tile and block sizes for this CPU: see {@link GemmBlocking} for how they follow from its caches. */
    static final GemmBlocking BLOCKING = GemmBlocking.detect(L);
    static final int MR = BLOCKING.mr;
    static final int NR = BLOCKING.nr;
    static final int KC = BLOCKING.kc;
    static final int MC = BLOCKING.mc;
    static final int NC = BLOCKING.nc;

    /** Below this many multiply-adds, waking another thread costs more than it saves. */
    private static final long PARALLEL = 1 << 20;

    private static final AtomicLong CALLS = new AtomicLong();
    /**
     * Column panels up to which A's rows are copied rather than packed ({@code Problem.rowsOfA}). Measured over the
     * GemmTable shapes on Sapphire Rapids: 4 against 2 made W4's 128 x 256 x 784 (two threads, 128 columns each) 7%
     * faster and 128 x 128 x 256 16%, changing no other shape beyond noise; 8 lost 9% on 3584 x 256 x 28.
     */
    static final int ROWS_OF_A_MAX_PANELS = 4;
    /** The long-dot-product path: at most this many outputs, each over at least {@link #LONG_DEPTH} terms. */
    private static final long FEW_OUTPUTS = 1024;
    /** Rows of C up to which the packed path reads B in place ({@link #fewRows}). */
    private static final int FEW_ROWS = 4;
    /** Outputs up to which {@link #depthHalves} splits a deep product with stored-transposed A over its depth. */
    private static final long FEW_OUTPUTS_LONG_DEPTH = 256 * 256;
    private static final int LONG_DEPTH = 256;
    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    @Override
    public String name() {
        return "vector";
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float alpha, float[] a, int aOffset, int lda,
                      float[] b, int bOffset, int ldb,
                      float beta, float[] c, int cOffset, int ldc) {
        multiply(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc, null);
    }

    /** op(B) in the layout of the packed path's whole-B buffer ({@link Problem#rows}), shared by every caller. */
    @Override
    public PackedB pack(boolean transB, int k, int n, float[] b, int bOffset, int ldb) {
        GemmChecks.checkB(transB, k, n, b, bOffset, ldb);
        int nPad = (n + NR - 1) / NR * NR;
        float[] panels = new float[k * nPad];
        Buffers buf = BUFFERS.get();
        for (int pc = 0; pc < k; pc += KC) packB(transB, b, bOffset, ldb, pc, Math.min(KC, k - pc), 0, n, panels, pc * nPad, buf);
        return new PackedB(this, transB, k, n, b, bOffset, ldb, panels);
    }

    /**
     * As {@link #sgemm} with B as stored, but the packed path reads the panels made once by {@link #pack} instead
     * of packing B again: the same values through the same micro-kernel, so the same bits.
     */
    @Override
    public void sgemm(boolean transA, int m, float alpha, float[] a, int aOffset, int lda,
                      PackedB b, float beta, float[] c, int cOffset, int ldc) {
        float[] panels = b.kernel instanceof VectorGemm ? b.panels : null; // a handle from another kernel: B as stored
        multiply(transA, b.transB, m, b.n, b.k, alpha, a, aOffset, lda, b.b, b.offset, b.ldb, beta, c, cOffset, ldc, panels);
    }

    /** op(A) in the packed path's row panels ({@link Problem#aPanels}), shared by every caller; alpha 1. */
    @Override
    public PackedA packA(boolean transA, int m, int k, float[] a, int aOffset, int lda) {
        GemmChecks.checkA(transA, m, k, a, aOffset, lda);
        int mPad = (m + MR - 1) / MR * MR;
        float[] panels = new float[k * mPad];
        Buffers buf = BUFFERS.get();
        for (int pc = 0; pc < k; pc += KC) packA(transA, a, aOffset, lda, 0, m, pc, Math.min(KC, k - pc), 1f, panels, pc * mPad, buf);
        return new PackedA(this, transA, m, k, a, aOffset, lda, panels);
    }

    /**
     * As {@link #sgemm} with A as stored, but the packed path reads the panels made once by {@link #packA} (alpha
     * 1 only) instead of packing A again: the same values through the same micro-kernel, so the same bits.
     */
    @Override
    public void sgemm(PackedA a, boolean transB, int n, float alpha, float[] b, int bOffset, int ldb,
                      float beta, float[] c, int cOffset, int ldc) {
        float[] panels = a.kernel instanceof VectorGemm && alpha == 1f ? a.panels : null;
        multiply(a.transA, transB, a.m, n, a.k, alpha, a.a, a.offset, a.lda, b, bOffset, ldb, beta, c, cOffset, ldc, null, panels);
    }

    /** {@link #sgemm}, with op(B) already packed whole in {@code panels} or (null) not. */
    private static void multiply(boolean transA, boolean transB, int m, int n, int k,
                                 float alpha, float[] a, int aOffset, int lda,
                                 float[] b, int bOffset, int ldb,
                                 float beta, float[] c, int cOffset, int ldc, float[] panels) {
        multiply(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc, panels, null);
    }

    /** {@link #sgemm}, with op(B) packed whole in {@code panels} and op(A) in {@code aPanels}, or (null) not. */
    private static void multiply(boolean transA, boolean transB, int m, int n, int k,
                                 float alpha, float[] a, int aOffset, int lda,
                                 float[] b, int bOffset, int ldb,
                                 float beta, float[] c, int cOffset, int ldc, float[] panels, float[] aPanels) {
        if (GemmChecks.checkedTrivial(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc)) return;
        if (ScalarSmallGemm.takes(m, n, k)) {
            if (VectorSmallGemm.tooNarrow(transA, m, n, k)) {
                ScalarSmallGemm.sgemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
            } else {
                VectorSmallGemm.sgemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
            }
        } else if (!transA && transB && (long) m * n <= FEW_OUTPUTS && k >= LONG_DEPTH) {
            dots(m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
        } else {
            packed(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc, panels, aPanels);
        }
    }

    /**
     * Few outputs over a long depth with both operands' depth contiguous (a convolution's kernel gradient,
     * dOut [filters, pixels] times cols [taps, pixels]^T): each C(i, j) is one long vectorised dot product,
     * reading A and B once, where packing would copy them first. Rows of C are split across threads.
     */
    private static void dots(int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                             float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        Parallel.forRange(m * n, 1, (from, to) -> {
            for (int t = from; t < to; t++) {
                int i = t / n, j = t % n, ar = aOff + i * lda, br = bOff + j * ldb;
                FloatVector acc0 = FloatVector.zero(S), acc1 = FloatVector.zero(S);
                int p = 0;
                for (int end = k - 2 * L; p <= end; p += 2 * L) {
                    acc0 = FloatVector.fromArray(S, a, ar + p).fma(FloatVector.fromArray(S, b, br + p), acc0);
                    acc1 = FloatVector.fromArray(S, a, ar + p + L).fma(FloatVector.fromArray(S, b, br + p + L), acc1);
                }
                float dot = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
                for (; p < k; p++) dot += a[ar + p] * b[br + p];
                int o = cOff + i * ldc + j;
                c[o] = beta == 0f ? alpha * dot : alpha * dot + beta * c[o];
            }
        });
    }

    /**
     * The packed path; kept out of {@link #sgemm} so that the small-problem path stays short enough to inline.
     * {@code panels}, when not null, is all of op(B) packed already ({@link #pack}).
     */
    private static void packed(boolean transA, boolean transB, int m, int n, int k,
                               float alpha, float[] a, int aOffset, int lda,
                               float[] b, int bOffset, int ldb,
                               float beta, float[] c, int cOffset, int ldc, float[] panels, float[] aPanels) {
        if (n < L && m >= NR) {
            // Narrow C (e.g. a 10-class output layer): its 32-column micro-tiles would be mostly padding. Compute
            // C^T = op(B)^T op(A)^T instead, whose rows are long, and add it transposed into C.
            float[] t = new float[n * m];
            packed(!transB, !transA, n, m, k, alpha, b, bOffset, ldb, a, aOffset, lda, 0f, t, 0, m, null, null);
            for (int i = 0; i < m; i++) {
                int r = cOffset + i * ldc;
                for (int j = 0; j < n; j++) c[r + j] = beta == 0f ? t[j * m + i] : t[j * m + i] + beta * c[r + j];
            }
            return;
        }
        if (transA && k >= 2 * KC && (long) m * n <= FEW_OUTPUTS_LONG_DEPTH) {
            depthHalves(transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
            return;
        }
        long work = (long) m * n * k;
        // The micro-kernel either stores its tile (first depth block, beta 0) or adds it to C: any other beta is
        // applied to C first.
        if (beta != 0f && beta != 1f) GemmChecks.scale(beta, c, cOffset, ldc, 0, m, n);
        if (m <= FEW_ROWS && !transB && alpha == 1f && panels == null && aPanels == null) {
            fewRows(transA, m, n, k, a, aOffset, lda, b, bOffset, ldb, beta == 0f, c, cOffset, ldc, work >= PARALLEL);
            return;
        }
        Problem pr = new Problem(CALLS.incrementAndGet(), transA, transB, n, k, alpha, a, aOffset, lda,
                b, bOffset, ldb, panels, aPanels, (m + MR - 1) / MR * MR, beta == 0f, c, cOffset, ldc);
        int threads = Parallel.threads();
        boolean parallel = work >= PARALLEL && threads > 1;
        int mTiles = (m + MR - 1) / MR, nTiles = (n + NR - 1) / NR;
        // Each thread packs all of op(B) in the first path and all of op(A) when columns are split, so threads
        // share rows only when B is the smaller operand (n <= m): on 128x784 @ (784x256)^T that is 16% faster.
        if ((long) k * nTiles * NR <= KC * NC && (!parallel || mTiles >= 2 * threads && n <= m)) {
            // All of op(B) fits one packing buffer: each thread packs it once, then takes row chunks as they come.
            int chunk = MR * Math.max(1, Math.min(MC / MR, (mTiles + 4 * threads - 1) / (4 * threads)));
            if (parallel) {
                Parallel.forEachChunk(m, chunk, (i0, i1) -> pr.rows(i0, i1));
            } else {
                for (int i = 0; i < m; i += MC) pr.rows(i, Math.min(m, i + MC));
            }
        } else if (!parallel) {
            pr.blocks(0, m, 0, n);
        } else if (m < n ? nTiles >= threads : mTiles < threads) {
            // Split columns: each thread packs its own part of B and all of A, so duplicate the smaller A.
            Parallel.forRange(nTiles, 1, (t0, t1) -> pr.blocks(0, m, t0 * NR, Math.min(n, t1 * NR)));
        } else {
            Parallel.forRange(mTiles, 1, (t0, t1) -> pr.blocks(t0 * MR, Math.min(m, t1 * MR), 0, n));
        }
    }

    /**
     * At most {@link #FEW_ROWS} rows of C with B stored as is (a 3-class layer's transposed weight gradient, a one-row
     * prediction): each element of B is used once, so B's rows are read where they are, where the packed path copied
     * all of B into panels first (W3 has three products of 2 or 3 rows, two of them with B as stored; packing was an
     * eighth of its step). Each entry of C is the packed path's chain, multiply-adds in depth order from zero within each
     * depth block of KC, stored or added to C block after block, so the same bits; the columns past the last NR-wide
     * block by scalar fused multiply-adds, the same operation as a vector lane's. C is already scaled by any beta
     * other than 0 and 1, as for the packed path; column blocks are split across threads when {@code parallel}.
     */
    private static void fewRows(boolean transA, int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff,
                                int ldb, boolean overwrite, float[] c, int cOff, int ldc, boolean parallel) {
        int as = transA ? 1 : lda, ap = transA ? lda : 1; // A(i, p) = a[aOff + i*as + p*ap]
        int blocks = (n + NR - 1) / NR;
        Parallel.IntRangeBody columns = (t0, t1) -> {
            for (int t = t0; t < t1; t++) {
                int j = t * NR;
                for (int pc = 0; pc < k; pc += KC) {
                    int kc = Math.min(KC, k - pc);
                    boolean add = pc > 0 || !overwrite;
                    if (j + NR <= n) fewRowsBlock(m, pc, kc, a, aOff, as, ap, b, bOff, ldb, j, add, c, cOff, ldc);
                    else fewRowsColumns(m, pc, kc, a, aOff, as, ap, b, bOff, ldb, j, n, add, c, cOff, ldc);
                }
            }
        };
        if (parallel) Parallel.forRange(blocks, 1, columns);
        else columns.run(0, blocks);
    }

    /** Columns [j, j + NR) of {@link #fewRows}'s C over depth [pc, pc + kc); rows past m repeat row 0, unstored. */
    private static void fewRowsBlock(int m, int pc, int kc, float[] a, int aOff, int as, int ap, float[] b, int bOff,
                                     int ldb, int j, boolean add, float[] c, int cOff, int ldc) {
        int a0 = aOff + pc * ap, a1 = m > 1 ? a0 + as : a0, a2 = m > 2 ? a0 + 2 * as : a0, a3 = m > 3 ? a0 + 3 * as : a0;
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
        for (int p = 0; p < kc; p++) {
            int ib = bOff + (pc + p) * ldb + j, q = p * ap;
            FloatVector b0 = FloatVector.fromArray(S, b, ib);
            FloatVector b1 = FloatVector.fromArray(S, b, ib + L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + q]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[a1 + q]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[a2 + q]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[a3 + q]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        int o = cOff + j;
        putRow(c00, c01, add, c, o);
        if (m > 1) putRow(c10, c11, add, c, o + ldc);
        if (m > 2) putRow(c20, c21, add, c, o + 2 * ldc);
        if (m > 3) putRow(c30, c31, add, c, o + 3 * ldc);
    }

    private static void putRow(FloatVector v0, FloatVector v1, boolean add, float[] c, int o) {
        if (add) {
            v0 = v0.add(FloatVector.fromArray(S, c, o));
            v1 = v1.add(FloatVector.fromArray(S, c, o + L));
        }
        v0.intoArray(c, o);
        v1.intoArray(c, o + L);
    }

    /** Columns [j, n), fewer than NR, of {@link #fewRows}'s C over depth [pc, pc + kc). */
    private static void fewRowsColumns(int m, int pc, int kc, float[] a, int aOff, int as, int ap, float[] b, int bOff,
                                       int ldb, int j, int n, boolean add, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int ar = aOff + i * as + pc * ap;
            for (int col = j; col < n; col++) {
                float s = 0f;
                for (int p = 0; p < kc; p++) s = Math.fma(a[ar + p * ap], b[bOff + (pc + p) * ldb + col], s);
                int o = cOff + i * ldc + col;
                c[o] = add ? s + c[o] : s;
            }
        }
    }

    /**
     * A weight gradient X^T dY (op(A) stored transposed, few outputs, a long depth of batch rows) as the sum of its
     * two depth halves, one per thread. Split by rows or columns, each thread packed all of one operand, and both
     * operands come from memory the step touched long before: W7's weight gradients ran at the speed of a product
     * whose operands were flushed from L2, half that of the same product on hot operands. Split by depth, each
     * thread reads only its half of each. The halves are fixed, not one per thread, so the bits do not depend on
     * the thread count: C = (first half + beta C) + second half.
     */
    private static void depthHalves(boolean transB, int m, int n, int k, float alpha, float[] a, int aOffset, int lda,
                                    float[] b, int bOffset, int ldb, float beta, float[] c, int cOffset, int ldc) {
        int half = k / 2;
        float[] second = RecycledArrays.take(m * n); // written whole (beta 0)
        Parallel.forRange(2, 1, (from, to) -> {
            for (int h = from; h < to; h++) {
                if (h == 0) {
                    packed(true, transB, m, n, half, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc, null, null);
                } else {
                    packed(true, transB, m, n, k - half, alpha, a, aOffset + half * lda, lda,
                            b, bOffset + (transB ? half : half * ldb), ldb, 0f, second, 0, n, null, null);
                }
            }
        });
        for (int i = 0; i < m; i++) {
            int r = cOffset + i * ldc, t = i * n;
            for (int j = 0; j < n; j++) c[r + j] += second[t + j];
        }
        RecycledArrays.give(second);
    }

    /**
     * The arguments of one call, so that thread bodies can work on part of C. {@code id} is unique per call;
     * {@code panels} is all of op(B) packed by {@link #pack}, or null; {@code aPanels} all of op(A) packed by
     * {@link #packA} (depth block pc's panel of rows from r at {@code pc * mPad + r * kc}), or null; {@code
     * overwrite} (beta 0) has the first depth block store into C rather than add to it.
     */
    private record Problem(long id, boolean transA, boolean transB, int n, int k, float alpha,
                           float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] panels,
                           float[] aPanels, int mPad, boolean overwrite, float[] c, int cOff, int ldc) {

        /**
         * Rows i0..i1 (at most MC) of C, all n columns, against all of op(B) packed at once, by {@link #pack} or in
         * this thread's buffer: the first chunk a thread takes in a call packs B there, the others reuse it.
         */
        void rows(int i0, int i1) {
            Buffers buf = BUFFERS.get();
            float[] pa = buf.a, pb = panels != null ? panels : buf.b, tile = buf.tile;
            int nPad = (n + NR - 1) / NR * NR;
            if (panels == null && buf.packedFor != id) {
                for (int pc = 0; pc < k; pc += KC) packB(transB, b, bOff, ldb, pc, Math.min(KC, k - pc), 0, n, pb, pc * nPad, buf);
                buf.packedFor = id;
            }
            int mc = i1 - i0;
            boolean copyRows = rowsOfA(n);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                if (aPanels != null) {
                    macro(aPanels, pc * mPad + i0 * kc, mc, pb, pc * nPad, n, kc, i0, 0, pc > 0 || !overwrite, tile);
                } else if (copyRows) {
                    copyRowsOfA(i0, mc, pc, kc, pa);
                    macroOfRows(pa, mc, pb, pc * nPad, n, kc, i0, 0, pc > 0 || !overwrite, tile);
                } else {
                    packA(transA, a, aOff, lda, i0, mc, pc, kc, alpha, pa, 0, buf);
                    macro(pa, 0, mc, pb, pc * nPad, n, kc, i0, 0, pc > 0 || !overwrite, tile);
                }
            }
        }

        /** Whether a block of A meeting this many columns of C is copied row by row ({@link #copyRowsOfA}). */
        boolean rowsOfA(int columns) {
            return aPanels == null && !transA && MR == 12 && columns <= ROWS_OF_A_MAX_PANELS * NR;
        }

        /**
         * Rows [i0, i0 + mc) of alpha A (stored as is), depth [pc, pc + kc), copied as they are: row r of the block
         * at pa[r * KC], for {@link #kernel12OfRows}. A C of a few column panels meets each panel of A only that
         * many times, so packing it was up to a third of the product's time (a transpose, by gathers), where this is
         * a plain copy and the kernel that reads it runs about 10-15% slower. Each entry is the same chain of
         * multiply-adds either way: the same bits.
         */
        private void copyRowsOfA(int i0, int mc, int pc, int kc, float[] pa) {
            for (int r = 0; r < mc; r++) {
                int src = aOff + (i0 + r) * lda + pc, dst = r * KC;
                if (alpha == 1f) System.arraycopy(a, src, pa, dst, kc);
                else for (int p = 0; p < kc; p++) pa[dst + p] = alpha * a[src + p];
            }
        }

        /** {@link #macro} over A's rows as {@link #copyRowsOfA} left them; an edge panel's missing rows are not read into C. */
        private void macroOfRows(float[] pa, int mc, float[] pb, int pbOff, int nc, int kc, int ic, int jc, boolean add, float[] tile) {
            for (int ir = 0; ir < mc; ir += MR) {
                int mr = Math.min(MR, mc - ir);
                for (int jr = 0; jr < nc; jr += NR) {
                    int nr = Math.min(NR, nc - jr), co = cOff + (ic + ir) * ldc + jc + jr, bo = pbOff + jr * kc;
                    if (mr == MR && nr == NR && !add) {
                        kernel12OfRows(kc, pa, ir * KC, pb, bo, c, co, ldc);
                    } else {
                        kernel12OfRows(kc, pa, ir * KC, pb, bo, tile, 0, NR);
                        addTile(tile, c, co, ldc, mr, nr, add);
                    }
                }
            }
        }

        /**
         * C[i0:i1, j0:j1] in BLIS order: KC x NC blocks of op(B), MC x KC blocks of op(A). A block of op(B) packed
         * by {@link #pack} is the part of its depth block's panels from column jc on.
         */
        void blocks(int i0, int i1, int j0, int j1) {
            Buffers buf = BUFFERS.get();
            float[] pa = buf.a, pb = panels != null ? panels : buf.b, tile = buf.tile;
            buf.packedFor = 0;
            int nPad = (n + NR - 1) / NR * NR;
            for (int jc = j0; jc < j1; jc += NC) {
                int nc = Math.min(NC, j1 - jc);
                for (int pc = 0; pc < k; pc += KC) {
                    int kc = Math.min(KC, k - pc), pbOff = panels != null ? pc * nPad + jc * kc : 0;
                    if (panels == null) packB(transB, b, bOff, ldb, pc, kc, jc, nc, pb, 0, buf);
                    for (int ic = i0; ic < i1; ic += MC) {
                        int mc = Math.min(MC, i1 - ic);
                        if (aPanels != null) {
                            macro(aPanels, pc * mPad + ic * kc, mc, pb, pbOff, nc, kc, ic, jc, pc > 0 || !overwrite, tile);
                        } else if (rowsOfA(nc)) {
                            copyRowsOfA(ic, mc, pc, kc, pa);
                            macroOfRows(pa, mc, pb, pbOff, nc, kc, ic, jc, pc > 0 || !overwrite, tile);
                        } else {
                            packA(transA, a, aOff, lda, ic, mc, pc, kc, alpha, pa, 0, buf);
                            macro(pa, 0, mc, pb, pbOff, nc, kc, ic, jc, pc > 0 || !overwrite, tile);
                        }
                    }
                }
            }
        }

        /**
         * Packed mc x kc block of A times packed kc x nc block of B into C at (ic, jc), added to C or not. Each A
         * micro-panel (MR x kc) stays in L1 while the B micro-panels stream past it from L2: the A micro-panel is
         * the narrower one, so it allows a deeper kc (fewer passes over C) than keeping a B micro-panel in L1.
         */
        private void macro(float[] pa, int paOff, int mc, float[] pb, int pbOff, int nc, int kc, int ic, int jc,
                           boolean add, float[] tile) {
            for (int ir = 0; ir < mc; ir += MR) {
                int mr = Math.min(MR, mc - ir);
                for (int jr = 0; jr < nc; jr += NR) {
                    int nr = Math.min(NR, nc - jr), co = cOff + (ic + ir) * ldc + jc + jr, bo = pbOff + jr * kc;
                    if (mr == MR && nr == NR && !add) {
                        kernel(kc, pa, paOff + ir * kc, pb, bo, c, co, ldc);
                    } else if (mr == 4 && nr == NR && !add) {
                        // an edge of exactly 4 or 8 rows is what kernel4 / kernel8 write: into C, not through the
                        // tile and a copy per row (W6's 64 rows a thread end in 4: that panel cost 70% of a full one)
                        kernel4(kc, pa, paOff + ir * kc, pb, bo, c, co, ldc);
                    } else if (mr == 8 && MR > 8 && nr == NR && !add) {
                        kernel8(kc, pa, paOff + ir * kc, pb, bo, c, co, ldc);
                    } else { // added to C, or an edge tile (nothing outside C may be written): through the tile buffer
                        if (mr <= 4) kernel4(kc, pa, paOff + ir * kc, pb, bo, tile, 0, NR);
                        else if (mr <= 8 && MR > 8) kernel8(kc, pa, paOff + ir * kc, pb, bo, tile, 0, NR);
                        else kernel(kc, pa, paOff + ir * kc, pb, bo, tile, 0, NR);
                        addTile(tile, c, co, ldc, mr, nr, add);
                    }
                }
            }
        }
    }

    /**
     * One MR x NR tile: the sum over p of (A-panel column p) x (B-panel row p), stored into d (rows ldd apart).
     * One method per tile height, with named accumulators (not an array) so that C2 keeps them in registers, and
     * nothing after the loop but the stores: C2 took 0.9 s to compile a 12-row version that also added the tile
     * to C (against 0.1 s for this), and until then the products run a hundred times slower.
     */
    private static void kernel(int kc, float[] pa, int ao, float[] pb, int bo, float[] d, int d0, int ldd) {
        if (MR == 12) kernel12(kc, pa, ao, pb, bo, d, d0, ldd);
        else kernel6(kc, pa, ao, pb, bo, d, d0, ldd);
    }

    /**
     * The first 4 rows of an MR-row panel, for an edge panel of at most 4 rows (W6's 64 rows per thread are five
     * full 12-row panels and 4 rows): the padding rows' multiply-adds are skipped. Each entry is the same chain of
     * multiply-adds as in the full kernel, so the same bits.
     */
    private static void kernel4(int kc, float[] pa, int ao, float[] pb, int bo, float[] d, int d0, int ldd) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
        for (int p = 0; p < kc; p++) {
            int ib = bo + p * NR, ia = ao + p * MR;
            FloatVector b0 = FloatVector.fromArray(S, pb, ib);
            FloatVector b1 = FloatVector.fromArray(S, pb, ib + L);
            FloatVector x = FloatVector.broadcast(S, pa[ia]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, pa[ia + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, pa[ia + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, pa[ia + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        c00.intoArray(d, d0);
        c01.intoArray(d, d0 + L);
        c10.intoArray(d, d0 + ldd);
        c11.intoArray(d, d0 + ldd + L);
        c20.intoArray(d, d0 + 2 * ldd);
        c21.intoArray(d, d0 + 2 * ldd + L);
        c30.intoArray(d, d0 + 3 * ldd);
        c31.intoArray(d, d0 + 3 * ldd + L);
    }

    /** As {@link #kernel4}, the first 8 rows of a 12-row panel. */
    private static void kernel8(int kc, float[] pa, int ao, float[] pb, int bo, float[] d, int d0, int ldd) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
        FloatVector c40 = z, c41 = z, c50 = z, c51 = z, c60 = z, c61 = z, c70 = z, c71 = z;
        for (int p = 0; p < kc; p++) {
            int ib = bo + p * NR, ia = ao + p * MR;
            FloatVector b0 = FloatVector.fromArray(S, pb, ib);
            FloatVector b1 = FloatVector.fromArray(S, pb, ib + L);
            FloatVector x = FloatVector.broadcast(S, pa[ia]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, pa[ia + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, pa[ia + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, pa[ia + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, pa[ia + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, pa[ia + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, pa[ia + 6]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, pa[ia + 7]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
        }
        c00.intoArray(d, d0);
        c01.intoArray(d, d0 + L);
        c10.intoArray(d, d0 + ldd);
        c11.intoArray(d, d0 + ldd + L);
        c20.intoArray(d, d0 + 2 * ldd);
        c21.intoArray(d, d0 + 2 * ldd + L);
        c30.intoArray(d, d0 + 3 * ldd);
        c31.intoArray(d, d0 + 3 * ldd + L);
        c40.intoArray(d, d0 + 4 * ldd);
        c41.intoArray(d, d0 + 4 * ldd + L);
        c50.intoArray(d, d0 + 5 * ldd);
        c51.intoArray(d, d0 + 5 * ldd + L);
        c60.intoArray(d, d0 + 6 * ldd);
        c61.intoArray(d, d0 + 6 * ldd + L);
        c70.intoArray(d, d0 + 7 * ldd);
        c71.intoArray(d, d0 + 7 * ldd + L);
    }

    private static void kernel6(int kc, float[] pa, int ao, float[] pb, int bo, float[] d, int d0, int ldd) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z;
        FloatVector c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z;
        for (int p = 0; p < kc; p++) {
            int ib = bo + p * NR, ia = ao + p * 6;
            FloatVector b0 = FloatVector.fromArray(S, pb, ib);
            FloatVector b1 = FloatVector.fromArray(S, pb, ib + L);
            FloatVector x = FloatVector.broadcast(S, pa[ia]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, pa[ia + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, pa[ia + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, pa[ia + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, pa[ia + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, pa[ia + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
        }
        c00.intoArray(d, d0);
        c01.intoArray(d, d0 + L);
        c10.intoArray(d, d0 + ldd);
        c11.intoArray(d, d0 + ldd + L);
        c20.intoArray(d, d0 + 2 * ldd);
        c21.intoArray(d, d0 + 2 * ldd + L);
        c30.intoArray(d, d0 + 3 * ldd);
        c31.intoArray(d, d0 + 3 * ldd + L);
        c40.intoArray(d, d0 + 4 * ldd);
        c41.intoArray(d, d0 + 4 * ldd + L);
        c50.intoArray(d, d0 + 5 * ldd);
        c51.intoArray(d, d0 + 5 * ldd + L);
    }

    private static void kernel12(int kc, float[] pa, int ao, float[] pb, int bo, float[] d, int d0, int ldd) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z;
        FloatVector c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z;
        FloatVector c60 = z, c61 = z, c70 = z, c71 = z, c80 = z, c81 = z;
        FloatVector c90 = z, c91 = z, c100 = z, c101 = z, c110 = z, c111 = z;
        for (int p = 0; p < kc; p++) {
            int ib = bo + p * NR, ia = ao + p * 12;
            FloatVector b0 = FloatVector.fromArray(S, pb, ib);
            FloatVector b1 = FloatVector.fromArray(S, pb, ib + L);
            FloatVector x = FloatVector.broadcast(S, pa[ia]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, pa[ia + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, pa[ia + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, pa[ia + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, pa[ia + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, pa[ia + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, pa[ia + 6]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, pa[ia + 7]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
            x = FloatVector.broadcast(S, pa[ia + 8]);
            c80 = x.fma(b0, c80);
            c81 = x.fma(b1, c81);
            x = FloatVector.broadcast(S, pa[ia + 9]);
            c90 = x.fma(b0, c90);
            c91 = x.fma(b1, c91);
            x = FloatVector.broadcast(S, pa[ia + 10]);
            c100 = x.fma(b0, c100);
            c101 = x.fma(b1, c101);
            x = FloatVector.broadcast(S, pa[ia + 11]);
            c110 = x.fma(b0, c110);
            c111 = x.fma(b1, c111);
        }
        c00.intoArray(d, d0);
        c01.intoArray(d, d0 + L);
        c10.intoArray(d, d0 + ldd);
        c11.intoArray(d, d0 + ldd + L);
        c20.intoArray(d, d0 + 2 * ldd);
        c21.intoArray(d, d0 + 2 * ldd + L);
        c30.intoArray(d, d0 + 3 * ldd);
        c31.intoArray(d, d0 + 3 * ldd + L);
        c40.intoArray(d, d0 + 4 * ldd);
        c41.intoArray(d, d0 + 4 * ldd + L);
        c50.intoArray(d, d0 + 5 * ldd);
        c51.intoArray(d, d0 + 5 * ldd + L);
        c60.intoArray(d, d0 + 6 * ldd);
        c61.intoArray(d, d0 + 6 * ldd + L);
        c70.intoArray(d, d0 + 7 * ldd);
        c71.intoArray(d, d0 + 7 * ldd + L);
        c80.intoArray(d, d0 + 8 * ldd);
        c81.intoArray(d, d0 + 8 * ldd + L);
        c90.intoArray(d, d0 + 9 * ldd);
        c91.intoArray(d, d0 + 9 * ldd + L);
        c100.intoArray(d, d0 + 10 * ldd);
        c101.intoArray(d, d0 + 10 * ldd + L);
        c110.intoArray(d, d0 + 11 * ldd);
        c111.intoArray(d, d0 + 11 * ldd + L);
    }

    /**
     * {@link #kernel12} over 12 rows of A copied as they are, KC apart from {@code pa[ao]} ({@link Problem#copyRowsOfA}):
     * the same multiply-adds in the same order, so the same bits.
     */
    private static void kernel12OfRows(int kc, float[] pa, int ao, float[] pb, int bo, float[] d, int d0, int ldd) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z;
        FloatVector c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z;
        FloatVector c60 = z, c61 = z, c70 = z, c71 = z, c80 = z, c81 = z;
        FloatVector c90 = z, c91 = z, c100 = z, c101 = z, c110 = z, c111 = z;
        for (int p = 0; p < kc; p++) {
            int ib = bo + p * NR, ia = ao + p;
            FloatVector b0 = FloatVector.fromArray(S, pb, ib);
            FloatVector b1 = FloatVector.fromArray(S, pb, ib + L);
            FloatVector x = FloatVector.broadcast(S, pa[ia]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, pa[ia + 1 * KC]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, pa[ia + 2 * KC]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, pa[ia + 3 * KC]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, pa[ia + 4 * KC]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, pa[ia + 5 * KC]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, pa[ia + 6 * KC]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, pa[ia + 7 * KC]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
            x = FloatVector.broadcast(S, pa[ia + 8 * KC]);
            c80 = x.fma(b0, c80);
            c81 = x.fma(b1, c81);
            x = FloatVector.broadcast(S, pa[ia + 9 * KC]);
            c90 = x.fma(b0, c90);
            c91 = x.fma(b1, c91);
            x = FloatVector.broadcast(S, pa[ia + 10 * KC]);
            c100 = x.fma(b0, c100);
            c101 = x.fma(b1, c101);
            x = FloatVector.broadcast(S, pa[ia + 11 * KC]);
            c110 = x.fma(b0, c110);
            c111 = x.fma(b1, c111);
        }
        c00.intoArray(d, d0);
        c01.intoArray(d, d0 + L);
        c10.intoArray(d, d0 + ldd);
        c11.intoArray(d, d0 + ldd + L);
        c20.intoArray(d, d0 + 2 * ldd);
        c21.intoArray(d, d0 + 2 * ldd + L);
        c30.intoArray(d, d0 + 3 * ldd);
        c31.intoArray(d, d0 + 3 * ldd + L);
        c40.intoArray(d, d0 + 4 * ldd);
        c41.intoArray(d, d0 + 4 * ldd + L);
        c50.intoArray(d, d0 + 5 * ldd);
        c51.intoArray(d, d0 + 5 * ldd + L);
        c60.intoArray(d, d0 + 6 * ldd);
        c61.intoArray(d, d0 + 6 * ldd + L);
        c70.intoArray(d, d0 + 7 * ldd);
        c71.intoArray(d, d0 + 7 * ldd + L);
        c80.intoArray(d, d0 + 8 * ldd);
        c81.intoArray(d, d0 + 8 * ldd + L);
        c90.intoArray(d, d0 + 9 * ldd);
        c91.intoArray(d, d0 + 9 * ldd + L);
        c100.intoArray(d, d0 + 10 * ldd);
        c101.intoArray(d, d0 + 10 * ldd + L);
        c110.intoArray(d, d0 + 11 * ldd);
        c111.intoArray(d, d0 + 11 * ldd + L);
    }

    /**
     * C[0:mr, 0:nr] = tile, or += tile. No vector is chosen between two values (a vector assigned in a branch, or
     * picked by ?:): C2 kept such vectors on the heap, an object per vector, where this code was inlined in W5 and W7.
     */
    private static void addTile(float[] tile, float[] c, int co, int ldc, int mr, int nr, boolean add) {
        for (int i = 0; i < mr; i++) {
            int o = co + i * ldc, t = i * NR;
            if (!add) {
                System.arraycopy(tile, t, c, o, nr);
            } else if (nr == NR) {
                for (int j = 0; j < NR; j += L) {
                    FloatVector.fromArray(S, tile, t + j).add(FloatVector.fromArray(S, c, o + j)).intoArray(c, o + j);
                }
            } else {
                for (int j = 0; j < nr; j++) c[o + j] += tile[t + j];
            }
        }
    }

    /**
     * Packs alpha * op(A)[ic:ic+mc, pc:pc+kc] into MR-row panels: panel r holds, for each p, the MR values
     * of column p (zero past row mc), at pa[paOff + r*MR*kc + p*MR + i].
     */
    private static void packA(boolean transA, float[] a, int aOff, int lda, int ic, int mc, int pc, int kc,
                              float alpha, float[] pa, int paOff, Buffers buf) {
        for (int ir = 0; ir < mc; ir += MR) {
            int rows = Math.min(MR, mc - ir), base = paOff + ir * kc;
            if (rows < MR) java.util.Arrays.fill(pa, base, base + MR * kc, 0f);
            if (!transA && rows == MR) {
                gatherPanel(a, aOff + (ic + ir) * lda + pc, lda, kc, alpha, pa, base, buf.gatherMap(lda));
            } else if (!transA) {
                // Row i of A is contiguous in p: read along it, write with stride MR.
                for (int i = 0; i < rows; i++) {
                    int src = aOff + (ic + ir + i) * lda + pc;
                    for (int p = 0; p < kc; p++) pa[base + p * MR + i] = alpha * a[src + p];
                }
            } else {
                // Stored A is k x m: the MR values for one p are contiguous. A full panel moves them as one vector
                // (MR <= L); its L - MR extra lanes land in the next p's slots, which that p then overwrites.
                for (int p = 0; p < kc; p++) {
                    int src = aOff + (pc + p) * lda + ic + ir, dst = base + p * MR;
                    if (rows == MR && MR <= L && src + L <= a.length && dst + L <= pa.length) {
                        FloatVector.fromArray(S, a, src).mul(alpha).intoArray(pa, dst); // times 1 is exact
                    } else {
                        for (int i = 0; i < rows; i++) pa[dst + i] = alpha * a[src + i];
                    }
                }
            }
        }
    }

    /**
     * One full panel of a row-major A (MR rows from {@code src}, lda apart) transposed into pa[base + p*MR + i] by
     * vector gathers: the MR x L values of L consecutive p are MR vectors of the panel, each gathered from the MR
     * rows along {@code map}. Two to three times the speed of the scalar copy, which cost about as much as the
     * product itself when C has few columns (n = 64).
     */
    private static void gatherPanel(float[] a, int src, int lda, int kc, float alpha, float[] pa, int base, int[] map) {
        int p = 0;
        for (; p + L <= kc; p += L) {
            int dst = base + p * MR;
            for (int v = 0; v < MR; v++) {
                FloatVector.fromArray(S, a, src + p, map, v * L).mul(alpha).intoArray(pa, dst + v * L);
            }
        }
        for (; p < kc; p++) {
            for (int i = 0; i < MR; i++) pa[base + p * MR + i] = alpha * a[src + i * lda + p];
        }
    }

    /**
     * Packs op(B)[pc:pc+kc, jc:jc+nc] into NR-column panels: panel q holds, for each p, the NR values of row p
     * (zero past column nc), at pb[pbOff + q*NR*kc + p*NR + j].
     */
    private static void packB(boolean transB, float[] b, int bOff, int ldb, int pc, int kc, int jc, int nc,
                              float[] pb, int pbOff, Buffers buf) {
        for (int jr = 0; jr < nc; jr += NR) {
            int cols = Math.min(NR, nc - jr), base = pbOff + jr * kc;
            if (!transB) {
                if (cols == NR) {
                    // A plain copy: C2 did not always keep vectors copied here in registers (in W5 and W6 it boxed
                    // them, allocating two objects per row).
                    for (int p = 0; p < kc; p++) System.arraycopy(b, bOff + (pc + p) * ldb + jc + jr, pb, base + p * NR, NR);
                } else {
                    java.util.Arrays.fill(pb, base, base + NR * kc, 0f);
                    for (int p = 0; p < kc; p++) {
                        System.arraycopy(b, bOff + (pc + p) * ldb + jc + jr, pb, base + p * NR, cols);
                    }
                }
            } else if (cols == NR) {
                // Stored B is n x k: the NR values of one p are in NR rows ldb apart; gathered a vector at a time.
                int[] map = buf.columnMap(ldb);
                int src = bOff + (jc + jr) * ldb + pc;
                for (int p = 0; p < kc; p++) {
                    int dst = base + p * NR;
                    FloatVector.fromArray(S, b, src + p, map, 0).intoArray(pb, dst);
                    FloatVector.fromArray(S, b, src + L * ldb + p, map, 0).intoArray(pb, dst + L);
                }
            } else {
                // Stored B is n x k: column j of op(B) is contiguous in p.
                java.util.Arrays.fill(pb, base, base + NR * kc, 0f);
                for (int j = 0; j < cols; j++) {
                    int src = bOff + (jc + jr + j) * ldb + pc;
                    for (int p = 0; p < kc; p++) pb[base + p * NR + j] = b[src + p];
                }
            }
        }
    }

    /** Per-thread packing buffers, allocated once per thread at the largest block size. */
    private static final class Buffers {
        final float[] a = new float[MC * KC];
        final float[] b = new float[KC * NC];
        final float[] tile = new float[MR * NR];
        /** Id of the call whose whole op(B) is packed in {@link #b}, or 0. */
        long packedFor;
        /** {@link #gatherPanel}'s offsets for rows {@link #mapLd} apart: entry f is row f % MR, depth f / MR. */
        private final int[] map = new int[MR * L];
        private int mapLd = -1;

        /** {@code j * ldb} for the L lanes: one p of L rows of a stored-transposed B. */
        private final int[] columns = new int[L];
        private int columnsLd = -1;

        int[] columnMap(int ldb) {
            if (ldb != columnsLd) {
                for (int j = 0; j < L; j++) columns[j] = j * ldb;
                columnsLd = ldb;
            }
            return columns;
        }

        int[] gatherMap(int lda) {
            if (lda != mapLd) {
                for (int f = 0; f < map.length; f++) map[f] = f % MR * lda + f / MR;
                mapLd = lda;
            }
            return map;
        }
    }
}
