package dev.nabla.openblas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.nabla.kernels.Gemm;
import dev.nabla.kernels.Gemms;
import dev.nabla.kernels.PlainGemm;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The OpenBLAS kernel loads through the service registry and computes what the plain Java kernel computes. */
class OpenBlasGemmTest {

    private final Gemm plain = new PlainGemm();

    @Test
    void isDiscoveredAndPreferredOverTheJavaKernels() {
        assertThat(Gemms.available()).startsWith("openblas").contains("plain");
        assertThat(Gemms.named("openblas")).isInstanceOf(OpenBlasGemm.class);
        String forced = System.getProperty("nabla.gemm", System.getenv("NABLA_GEMM"));
        if (forced == null || forced.isBlank()) assertThat(Gemms.get().name()).isEqualTo("openblas");
    }

    @Test
    void knownTwoByTwoProducts() {
        Gemm g = Gemms.named("openblas");
        float[] a = {1, 2, 3, 4}, b = {5, 6, 7, 8}, c = new float[4];
        g.sgemm(false, false, 2, 2, 2, 1f, a, 0, 2, b, 0, 2, 0f, c, 0, 2);
        assertThat(c).containsExactly(19, 22, 43, 50);
        g.sgemm(true, true, 2, 2, 2, 1f, a, 0, 2, b, 0, 2, 0f, c, 0, 2);
        assertThat(c).containsExactly(23, 31, 34, 46);
    }

    @Test
    void agreesWithPlainKernelOnRandomShapesTransposesOffsetsAlphaAndBeta() {
        Gemm g = Gemms.named("openblas");
        Random r = new Random(11);
        float[] alphas = {1f, -0.5f, 2f};
        float[] betas = {0f, 1f, 0.25f, -2f};
        int[][] fixed = {{1, 1, 1}, {4, 3, 5}, {7, 33, 65}, {130, 150, 300}, {128, 256, 784}, {9, 700, 530}};
        for (int trial = 0; trial < 60 + fixed.length; trial++) {
            int[] s = trial < fixed.length ? fixed[trial]
                    : new int[] {1 + r.nextInt(90), 1 + r.nextInt(90), 1 + r.nextInt(90)};
            for (int t = 0; t < 4; t++) {
                checkAgainstPlain(g, r, (t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2],
                        alphas[trial % 3], betas[trial % 4]);
            }
        }
    }

    /** The interface's default packing: a product through the handle is the call with B as stored. */
    @Test
    void productsWithAPackedBGiveTheBitsOfTheUnpackedCall() {
        Gemm g = Gemms.named("openblas");
        Random r = new Random(12);
        int n = 256, k = 64;
        float[] b = new float[k * n];
        for (int i = 0; i < b.length; i++) b[i] = r.nextFloat() - 0.5f;
        for (boolean transB : new boolean[] {false, true}) {
            dev.nabla.kernels.PackedB packed = g.pack(transB, k, n, b, 0, transB ? k : n);
            for (int m : new int[] {1, 61, 128}) {
                float[] a = new float[m * k], want = new float[m * n];
                for (int i = 0; i < a.length; i++) a[i] = r.nextFloat() - 0.5f;
                for (int i = 0; i < want.length; i++) want[i] = r.nextFloat();
                float[] got = want.clone();
                g.sgemm(false, transB, m, n, k, 1f, a, 0, k, b, 0, transB ? k : n, 1f, want, 0, n);
                g.sgemm(false, m, 1f, a, 0, k, packed, 1f, got, 0, n);
                assertThat(got).as("m=" + m + " transB=" + transB).containsExactly(want);
            }
        }
    }

    @Test
    void betaZeroOverwritesNaNAndZeroDepthOnlyScales() {
        Gemm g = Gemms.named("openblas");
        float[] a = new float[40 * 40], b = new float[40 * 40], c = new float[40 * 40];
        Arrays.fill(a, 1f);
        Arrays.fill(b, 0.5f);
        Arrays.fill(c, Float.NaN);
        g.sgemm(false, false, 40, 40, 40, 1f, a, 0, 40, b, 0, 40, 0f, c, 0, 40);
        for (float v : c) assertThat(v).isEqualTo(20f);
        float[] d = {1, 2, 3, 4};
        g.sgemm(false, false, 2, 2, 0, 1f, new float[0], 0, 1, new float[0], 0, 2, 0.5f, d, 0, 2);
        assertThat(d).containsExactly(0.5f, 1, 1.5f, 2);
    }

    @Test
    void concurrentCallersGetIndependentResults() throws Exception {
        Gemm g = Gemms.named("openblas");
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Callable<Void>> jobs = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                int seed = i;
                jobs.add(() -> {
                    Random r = new Random(100 + seed);
                    for (int rep = 0; rep < 4; rep++) {
                        checkAgainstPlain(g, r, seed % 2 == 0, seed % 3 == 0, 50 + 13 * seed, 80 - 5 * seed,
                                100 + 29 * seed, 1f, 0.5f);
                    }
                    return null;
                });
            }
            for (Future<Void> f : pool.invokeAll(jobs)) f.get();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void badArgumentsAreRejectedBeforeReachingNativeCode() {
        Gemm g = Gemms.named("openblas");
        float[] six = new float[6], four = new float[4];
        assertThatThrownBy(() -> g.sgemm(false, false, 2, -2, 3, 1f, six, 0, 3, six, 0, 2, 0f, four, 0, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("n=-2");
        assertThatThrownBy(() -> g.sgemm(false, false, 2, 2, 3, 1f, six, 0, 2, six, 0, 2, 0f, four, 0, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("A (2x3");
        assertThatThrownBy(() -> g.sgemm(false, true, 2, 2, 3, 1f, six, 0, 3, four, 0, 3, 0f, four, 0, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("B (2x3");
        assertThatThrownBy(() -> g.sgemm(false, false, 2, 2, 3, 1f, six, 0, 3, six, 0, 2, 0f, four, 1, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("C (2x2");
    }

    /** Random padded operands; both kernels start from the same C; results compared element by element. */
    private void checkAgainstPlain(Gemm g, Random r, boolean transA, boolean transB, int m, int n, int k,
                                   float alpha, float beta) {
        int lda = (transA ? m : k) + r.nextInt(4), ldb = (transB ? k : n) + r.nextInt(4), ldc = n + r.nextInt(4);
        int aOff = r.nextInt(5), bOff = r.nextInt(5), cOff = r.nextInt(5);
        float[] a = random(r, aOff + (transA ? k : m) * lda);
        float[] b = random(r, bOff + (transB ? n : k) * ldb);
        float[] c = random(r, cOff + m * ldc);
        float[] want = c.clone(), got = c.clone();
        plain.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, want, cOff, ldc);
        g.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, got, cOff, ldc);
        // Both round in float; terms are at most 1 in size, so the difference is bounded by a few ulps times k.
        float tol = 4e-7f * (k + 4) * (Math.abs(alpha) + Math.abs(beta));
        for (int x = 0; x < c.length; x++) {
            if (!(Math.abs(got[x] - want[x]) <= tol)) {
                fail("index %d: openblas %s, plain %s (tol %s) for m=%d n=%d k=%d transA=%s transB=%s alpha=%s beta=%s",
                        x, got[x], want[x], tol, m, n, k, transA, transB, alpha, beta);
            }
        }
    }

    private static float[] random(Random r, int length) {
        float[] x = new float[length];
        for (int i = 0; i < length; i++) x[i] = r.nextFloat() * 2f - 1f;
        return x;
    }
}
