package dev.nabla.kernels;

import dev.nabla.testing.ChildJvm;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
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
 * For a fixed kernel and thread count, a product's bits depend on its inputs alone: not on how often it ran before
 * (JIT state), what the per-thread packing buffers held, which thread called, or which thread took which block.
 * The shapes reach every path of the vector kernel: small products, the narrow and long-dot paths, the packed
 * path with B packed whole (serial and split over rows) and in blocks (split over rows and over columns), the
 * depth halves of a weight gradient, products of a few rows that read B in place, several depth blocks and tile edges.
 */
class GemmDeterminismTest {

    /** {m, n, k, transA, transB}. */
    static final int[][] SHAPES = {
            {16, 16, 16, 0, 1}, {120, 32, 5, 1, 0}, {100, 3, 40, 0, 0},   // small, narrow
            {32, 9, 8200, 0, 1},                                          // few outputs over a long depth
            {128, 10, 128, 0, 0},                                         // narrow C, computed transposed
            {203, 61, 270, 0, 1}, {77, 64, 600, 1, 0},                    // B packed whole, row chunks
            {70, 40, 1500, 1, 0}, {50, 90, 2100, 1, 1},                   // weight gradients: two depth halves
            {130, 1500, 300, 1, 1}, {9, 700, 530, 0, 0}, {600, 40, 1100, 0, 1}, // blocks: rows, columns
            {3, 100, 1100, 1, 0}, {4, 700, 800, 0, 0},                    // few rows, B read in place (split over columns)
    };

    static Stream<String> kernels() {
        return Gemms.available().stream();
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void repeatedCallsWithOtherProductsBetweenGiveTheSameBits(String name) {
        Gemm g = Gemms.named(name);
        List<String> first = fingerprints(g);
        for (int rep = 0; rep < 3; rep++) {
            // other shapes in between leave other contents in the packing buffers
            float[] x = new float[300 * 300];
            g.sgemm(false, false, 300, 300, 300, 1f, x, 0, 300, x, 0, 300, 0f, new float[300 * 300], 0, 300);
            assertThat(fingerprints(g)).isEqualTo(first);
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void concurrentCallersGetTheSameBitsAsOneCaller(String name) throws Exception {
        Gemm g = Gemms.named(name);
        List<String> alone = fingerprints(g);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Callable<List<String>>> jobs = new ArrayList<>();
            for (int t = 0; t < 3; t++) jobs.add(() -> fingerprints(g));
            for (Future<List<String>> f : pool.invokeAll(jobs)) assertThat(f.get()).isEqualTo(alone);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The JIT's vector code against the Vector API's Java fallback: a JVM limited to C1 (which does not compile
     * vector intrinsics) must give the same bits as this one after warm-up. This fails if any path reduces a
     * vector in an order that depends on how it was compiled (the lane order of reduceLanes is unspecified).
     */
    @Test
    void vectorKernelGivesTheSameBitsWithoutTheJit() throws Exception {
        assertThat(Gemms.available()).contains("vector"); // the tests run with the incubator module
        Gemm g = Gemms.named("vector");
        for (int rep = 0; rep < 30; rep++) fingerprints(g);
        List<String> compiled = fingerprints(g);
        assertThat(childFingerprints("-XX:TieredStopAtLevel=1")).isEqualTo(compiled);
    }

    /**
     * The 6-row tile (AVX2's, never chosen on an AVX-512 machine) gives the same bits as the 12-row one for the same
     * depth blocks: each element is the same chain of multiply-adds, so the 12-row kernel's agreement with the
     * reference carries over. A small KC makes several depth blocks.
     */
    @Test
    void sixRowTilesGiveTheSameBitsAsTwelveRowTiles() throws Exception {
        assertThat(Gemms.available()).contains("vector"); // the tests run with the incubator module
        List<String> six = childFingerprints("-Dnabla.gemm.mr=6", "-Dnabla.gemm.kc=64");
        assertThat(six).hasSize(SHAPES.length);
        assertThat(six).isEqualTo(childFingerprints("-Dnabla.gemm.mr=12", "-Dnabla.gemm.kc=64"));
    }

    /**
     * Rows in an edge panel (fewer than MR rows, computed by the 4- and 8-row kernels, or from A's rows as they are
     * stored when C has at most two column panels) have the bits of the same rows computed in a full panel, in a
     * product with more rows of A, as stored or transposed, stored or added to C.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {256, 64})
    void rowsOfAnEdgePanelGiveTheBitsOfTheSameRowsInAFullPanel(int n) {
        assertThat(Gemms.available()).contains("vector"); // the tests run with the incubator module
        Gemm g = Gemms.named("vector");
        int full = 6 * VectorGemm.MR, k = 64;
        Random r = new Random(23);
        float[] a = random(r, full * k), b = random(r, k * n), c0 = random(r, full * n);
        for (boolean ta : new boolean[] {false, true}) {
            for (float beta : new float[] {0f, 1f}) {
                float[] reference = c0.clone();
                g.sgemm(ta, false, full, n, k, 1f, a, 0, ta ? full : k, b, 0, n, beta, reference, 0, n);
                for (int m = full - VectorGemm.MR + 1; m < full; m++) {
                    float[] c = java.util.Arrays.copyOf(c0, m * n);
                    g.sgemm(ta, false, m, n, k, 1f, a, 0, ta ? full : k, b, 0, n, beta, c, 0, n);
                    assertThat(c).as("m=%d transA=%s beta=%s", m, ta, beta).containsExactly(java.util.Arrays.copyOf(reference, m * n));
                }
            }
        }
    }

    /** The fingerprints {@link #main} prints in a new JVM with these options and this JVM's thread count. */
    private static List<String> childFingerprints(String... options) throws Exception {
        List<String> all = new ArrayList<>(List.of("-Dnabla.threads=" + Parallel.threads()));
        all.addAll(List.of(options));
        return ChildJvm.run(GemmDeterminismTest.class, 300, all.toArray(String[]::new)).stream().filter(l -> l.startsWith("m=")).toList();
    }

    /** Prints the fingerprints of the vector kernel's products (run by the test above in a C1-only JVM). */
    public static void main(String[] args) throws IOException {
        for (String f : fingerprints(Gemms.named("vector"))) System.out.println(f);
    }

    /** One line per shape: the shape and a hash of the raw bits of C (beta 0, then beta 1 into that result). */
    static List<String> fingerprints(Gemm g) {
        List<String> out = new ArrayList<>();
        for (int[] s : SHAPES) {
            int m = s[0], n = s[1], k = s[2];
            boolean ta = s[3] != 0, tb = s[4] != 0;
            Random r = new Random(m * 31 + n * 7 + k);
            float[] a = random(r, m * k), b = random(r, k * n), c = new float[m * n];
            g.sgemm(ta, tb, m, n, k, 1f, a, 0, ta ? m : k, b, 0, tb ? k : n, 0f, c, 0, n);
            long h = hash(c, 17);
            g.sgemm(ta, tb, m, n, k, -0.5f, a, 0, ta ? m : k, b, 0, tb ? k : n, 1f, c, 0, n);
            out.add("m=" + m + " n=" + n + " k=" + k + " tA=" + ta + " tB=" + tb + " " + Long.toHexString(h)
                    + " " + Long.toHexString(hash(c, 17)));
        }
        return out;
    }

    private static long hash(float[] c, long h) {
        for (float v : c) h = h * 1_000_003 + Float.floatToRawIntBits(v);
        return h;
    }

    private static float[] random(Random r, int length) {
        float[] x = new float[length];
        for (int i = 0; i < length; i++) x[i] = r.nextFloat() * 2f - 1f;
        return x;
    }
}
