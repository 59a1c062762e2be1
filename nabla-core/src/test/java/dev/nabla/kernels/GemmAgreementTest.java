package dev.nabla.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every GEMM kernel that loads in this JVM agrees with a double-precision reference written here, on shapes
 * chosen to cross each kernel's internal boundaries (micro-tile edges, packing blocks, the small-problem and
 * parallel thresholds), for all transpose combinations, alpha/beta, offsets and padded leading dimensions.
 */
class GemmAgreementTest {

    static Stream<String> kernels() {
        return Gemms.available().stream();
    }

    /** A problem laid out in padded arrays: op(A) is m x k, op(B) is k x n, C is m x n. */
    private record Problem(boolean transA, boolean transB, int m, int n, int k, float alpha, float beta,
                           float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                           float[] c, int cOff, int ldc) {

        static Problem random(Random r, boolean transA, boolean transB, int m, int n, int k,
                              float alpha, float beta, boolean padded) {
            int aRows = transA ? k : m, aCols = transA ? m : k;
            int bRows = transB ? n : k, bCols = transB ? k : n;
            int lda = aCols + (padded ? r.nextInt(5) : 0), ldb = bCols + (padded ? r.nextInt(5) : 0);
            int ldc = n + (padded ? r.nextInt(5) : 0);
            int aOff = padded ? r.nextInt(7) : 0, bOff = padded ? r.nextInt(7) : 0, cOff = padded ? r.nextInt(7) : 0;
            int tail = padded ? 3 : 0;
            return new Problem(transA, transB, m, n, k, alpha, beta,
                    filled(r, aOff + Math.max(0, (aRows - 1) * lda + aCols) + tail), aOff, Math.max(1, lda),
                    filled(r, bOff + Math.max(0, (bRows - 1) * ldb + bCols) + tail), bOff, Math.max(1, ldb),
                    filled(r, cOff + Math.max(0, (m - 1) * ldc + n) + tail), cOff, Math.max(1, ldc));
        }

        private static float[] filled(Random r, int length) {
            float[] x = new float[length];
            for (int i = 0; i < length; i++) x[i] = r.nextFloat() * 2f - 1f;
            return x;
        }

        double a(int i, int p) {
            return transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
        }

        double b(int p, int j) {
            return transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
        }

        /** Runs the kernel on a copy of C and checks every element of the copy against the reference. */
        void check(Gemm g) {
            float[] got = c.clone();
            g.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, got, cOff, ldc);
            boolean[] inside = new boolean[c.length];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    int at = cOff + i * ldc + j;
                    inside[at] = true;
                    double sum = 0, mag = 0;
                    for (int p = 0; p < k; p++) {
                        double t = a(i, p) * b(p, j);
                        sum += t;
                        mag += Math.abs(t);
                    }
                    double old = beta == 0f ? 0 : beta * (double) c[at];
                    double want = alpha * sum + old;
                    // Float rounding grows at most linearly with k times the size of the terms summed.
                    double tol = 2e-7 * (k + 4) * (Math.abs(alpha) * mag + Math.abs(old)) + 1e-30;
                    if (!(Math.abs(got[at] - want) <= tol)) {
                        fail("%s: C[%d,%d] = %s, want %s (tol %s) for %s", g.name(), i, j, got[at], want, tol, this);
                    }
                }
            }
            for (int x = 0; x < c.length; x++) {
                if (!inside[x] && Float.floatToRawIntBits(got[x]) != Float.floatToRawIntBits(c[x])) {
                    fail("%s wrote outside C at index %d for %s", g.name(), x, this);
                }
            }
        }

        @Override
        public String toString() {
            return "m=" + m + " n=" + n + " k=" + k + " transA=" + transA + " transB=" + transB + " alpha=" + alpha
                    + " beta=" + beta + " aOff=" + aOff + " lda=" + lda + " bOff=" + bOff + " ldb=" + ldb
                    + " cOff=" + cOff + " ldc=" + ldc;
        }
    }

    private static void checkAllTransposes(Gemm g, Random r, int m, int n, int k, float alpha, float beta,
                                           boolean padded) {
        for (int t = 0; t < 4; t++) {
            Problem.random(r, (t & 1) != 0, (t & 2) != 0, m, n, k, alpha, beta, padded).check(g);
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void tinyAndDegenerateShapesMatchReference(String name) {
        Gemm g = Gemms.named(name);
        Random r = new Random(1);
        int[] sizes = {0, 1, 2, 3, 4, 5};
        for (int m : sizes) {
            for (int n : sizes) {
                for (int k : sizes) checkAllTransposes(g, r, m, n, k, 1f, 0f, false);
            }
        }
        checkAllTransposes(g, r, 4, 3, 5, 0.5f, 2f, true);
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void randomShapesWithOffsetsAlphaAndBetaMatchReference(String name) {
        Gemm g = Gemms.named(name);
        Random r = new Random(2);
        float[] alphas = {1f, -0.75f, 2f};
        float[] betas = {0f, 1f, 0.5f, -1.5f};
        for (int trial = 0; trial < 60; trial++) {
            int m = 1 + r.nextInt(70), n = 1 + r.nextInt(90), k = 1 + r.nextInt(80);
            checkAllTransposes(g, r, m, n, k, alphas[trial % 3], betas[trial % 4], true);
        }
    }

    /** Sizes just around micro-tile widths (6 rows, 16/32/48 columns) and the small-problem threshold. */
    @ParameterizedTest
    @MethodSource("kernels")
    void tileEdgeShapesMatchReference(String name) {
        Gemm g = Gemms.named(name);
        Random r = new Random(3);
        int[][] shapes = {
                {6, 32, 64}, {7, 33, 65}, {5, 31, 63}, {12, 64, 40}, {13, 47, 41}, {11, 17, 50}, {97, 15, 23},
                {1, 100, 400}, {100, 1, 400}, {3, 200, 60}, {200, 3, 60}, {48, 48, 15}, {31, 31, 33}, {96, 97, 5},
                {120, 32, 3}, {40, 17, 7}, {9, 16, 1}, {100, 3, 40}, {64, 5, 9}, {7, 7, 7}, // small, incl. narrow C
        };
        for (int[] s : shapes) checkAllTransposes(g, r, s[0], s[1], s[2], 1.25f, 0.5f, true);
    }

    /** Products large enough to be packed in several depth/column/row blocks and split across threads. */
    @ParameterizedTest
    @MethodSource("kernels")
    void blockedAndParallelShapesMatchReference(String name) {
        Gemm g = Gemms.named(name);
        Random r = new Random(4);
        int[][] shapes = {
                {130, 150, 300},   // deeper than one depth block, B fits one packing buffer
                {40, 2100, 30},    // wider than one column block
                {203, 61, 270},    // many row blocks, odd edges everywhere
                {9, 700, 530},     // few rows: work must be split over columns
                {128, 96, 784},    // a W4-like deep product
                {128, 256, 784},   // W4's first layer: columns split, each thread's 128 read A's rows as stored
                {37, 200, 530},    // the same with odd rows, odd column parts and two depth blocks
                {130, 120, 300},   // rows split, B packed whole, A's rows as stored for 4 column panels
                {128, 10, 128},    // narrow C, as in a 10-class output layer
                {32, 9, 8200},     // few outputs over a long depth (a convolution kernel gradient)
                {3, 5, 4099},
                {64, 64, 2048},    // a weight gradient X^T dY of W7's: summed in two depth halves
                {49, 70, 1537},    // the same with odd halves and tile edges
        };
        for (int[] s : shapes) checkAllTransposes(g, r, s[0], s[1], s[2], 0.5f, 1f, true);
    }

    /**
     * Around the packed path's 12- and 6-row tiles, 16- and 32-column vectors and the depth blocks that the cache
     * sizes give (KC is 64 to 512): one row or column past a tile, one step past a depth block; with beta 0 (the
     * first block stores), 1 (adds) and another value (C scaled first).
     */
    @ParameterizedTest
    @MethodSource("kernels")
    void tileAndDepthBlockEdgesMatchReference(String name) {
        Gemm g = Gemms.named(name);
        Random r = new Random(6);
        int[][] shapes = {
                {12, 32, 224}, {13, 33, 225}, {23, 63, 223}, {24, 64, 448}, {25, 65, 513}, {11, 97, 1025},
                {37, 200, 160}, {49, 17, 385}, {61, 130, 96},
                // edge panels of exactly 4 and 8 rows (64 = 5 x 12 + 4, 44 = 3 x 12 + 8) with beta 0: stored into C
                // by the 4- and 8-row kernels directly
                {64, 256, 64}, {40, 64, 50}, {41, 64, 50}, {44, 96, 70},
        };
        float[] betas = {0f, 1f, 0.5f};
        for (int i = 0; i < shapes.length; i++) {
            int[] s = shapes[i];
            checkAllTransposes(g, r, s[0], s[1], s[2], -0.75f, betas[i % 3], true);
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void betaZeroOverwritesNaNInOutput(String name) {
        Gemm g = Gemms.named(name);
        for (int size : new int[] {3, 40, 150}) {
            float[] a = new float[size * size], b = new float[size * size], c = new float[size * size];
            java.util.Arrays.fill(a, 1f);
            java.util.Arrays.fill(b, 2f);
            java.util.Arrays.fill(c, Float.NaN);
            g.sgemm(false, false, size, size, size, 1f, a, 0, size, b, 0, size, 0f, c, 0, size);
            for (float v : c) assertThat(v).isEqualTo(2f * size);
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void zeroAlphaOrZeroDepthOnlyScalesOutput(String name) {
        Gemm g = Gemms.named(name);
        float[] a = {Float.NaN, 1, 2, 3, 4, 5}, b = {1, 2, 3, 4, 5, 6};
        float[] c = {1, 2, 3, 4};
        g.sgemm(false, false, 2, 2, 3, 0f, a, 0, 3, b, 0, 2, 3f, c, 0, 2);
        assertThat(c).containsExactly(3, 6, 9, 12);
        g.sgemm(false, false, 2, 2, 0, 1f, new float[0], 0, 1, new float[0], 0, 2, 0.5f, c, 0, 2);
        assertThat(c).containsExactly(1.5f, 3, 4.5f, 6);
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void knownTwoByTwoProduct(String name) {
        float[] a = {1, 2, 3, 4}, b = {5, 6, 7, 8}, c = new float[4];
        Gemms.named(name).sgemm(false, false, 2, 2, 2, 1f, a, 0, 2, b, 0, 2, 0f, c, 0, 2);
        assertThat(c).containsExactly(19, 22, 43, 50);
        Gemms.named(name).sgemm(true, true, 2, 2, 2, 1f, a, 0, 2, b, 0, 2, 0f, c, 0, 2);
        assertThat(c).containsExactly(23, 31, 34, 46); // A^T B^T = (B A)^T
    }

    /** Kernels keep per-thread state; concurrent callers with different shapes must not disturb each other. */
    @ParameterizedTest
    @MethodSource("kernels")
    void concurrentCallersGetIndependentResults(String name) throws Exception {
        Gemm g = Gemms.named(name);
        Random r = new Random(5);
        List<Problem> problems = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            problems.add(Problem.random(r, i % 2 == 0, i % 3 == 0, 60 + 17 * i, 90 - 7 * i, 120 + 31 * i, 1f, 0f, true));
        }
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Callable<Void>> jobs = new ArrayList<>();
            for (Problem p : problems) {
                jobs.add(() -> {
                    for (int rep = 0; rep < 3; rep++) p.check(g);
                    return null;
                });
            }
            for (Future<Void> f : pool.invokeAll(jobs)) f.get();
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void badArgumentsAreRejectedWithShapes(String name) {
        Gemm g = Gemms.named(name);
        float[] six = new float[6], four = new float[4];
        assertThatThrownBy(() -> g.sgemm(false, false, -1, 2, 3, 1f, six, 0, 3, six, 0, 2, 0f, four, 0, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("m=-1");
        assertThatThrownBy(() -> g.sgemm(false, false, 2, 2, 3, 1f, six, 0, 2, six, 0, 2, 0f, four, 0, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("A (2x3");
        assertThatThrownBy(() -> g.sgemm(false, false, 2, 2, 3, 1f, six, 1, 3, six, 0, 2, 0f, four, 0, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offset 1");
        assertThatThrownBy(() -> g.sgemm(false, true, 2, 2, 3, 1f, six, 0, 3, four, 0, 3, 0f, four, 0, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("B (2x3");
        assertThatThrownBy(() -> g.sgemm(false, false, 2, 2, 3, 1f, six, 0, 3, six, 0, 2, 0f, four, 1, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("C (2x2");
        assertThatThrownBy(() -> g.sgemm(true, false, 2, 2, 3, 1f, six, -1, 2, six, 0, 2, 0f, four, 0, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("A (3x2");
    }

    @Test
    void everyAvailableKernelIsNamedAndThePlainOneAlwaysLoads() {
        assertThat(Gemms.available()).contains("plain");
        for (String name : Gemms.available()) assertThat(Gemms.named(name).name()).isEqualTo(name);
        assertThat(Gemms.available()).contains(Gemms.get().name());
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            assertThat(Gemms.available()).contains("vector");
        }
        assertThatThrownBy(() -> Gemms.named("no-such-kernel"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("plain");
    }
}
