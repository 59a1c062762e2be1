package dev.nabla.kernels;

import dev.nabla.testing.ChildJvm;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Products through a {@link PackedB} give the same bits as {@link Gemm#sgemm} with B as stored, for every kernel:
 * one handle for many A's of different heights, both transposes of each operand, alpha, beta 0 (over NaN), 1 and
 * another, padded strides and offsets, on shapes that reach every path of the vector kernel (small, narrow, long
 * dots, B packed whole, blocks over rows and columns, several depth blocks, tile edges), with one and three
 * threads, both tile heights, and concurrent callers sharing a handle.
 */
class GemmPackedBTest {

    /** {n, k, then the heights m of the A's multiplied by one handle}. */
    static final int[][] SHAPES = {
            {7, 9, 5, 16, 40},            // small, and narrow C
            {9, 8200, 32, 3},             // few outputs over a long depth
            {10, 128, 128, 12},           // narrow C, computed transposed
            {256, 64, 64, 61, 128, 1},    // a recurrent forward step (H 64, 4 gates), with a tile edge
            {64, 256, 64, 13, 128},       // a recurrent backward step
            {61, 270, 203},               // B packed whole, row chunks
            {1500, 300, 130, 9},          // blocks over rows, then over columns
            {700, 530, 9},                // columns, several depth blocks on small-L1 machines
            {40, 1100, 600},              // several depth blocks
            {2100, 30, 40},               // wider than a column block
            {97, 1025, 11},
    };

    static Stream<String> kernels() {
        return Gemms.available().stream();
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void productsWithAPackedBGiveTheBitsOfTheUnpackedCall(String name) {
        assertThat(mismatches(Gemms.named(name))).isEmpty();
    }

    /** A handle made by one kernel, given to another, is that kernel's product with B as stored. */
    @Test
    void aHandleFromAnotherKernelGivesTheBitsOfTheUnpackedCall() {
        for (String maker : Gemms.available()) {
            for (String user : Gemms.available()) {
                Gemm g = Gemms.named(user);
                Random r = new Random(7);
                int m = 64, n = 256, k = 64;
                float[] a = random(r, m * k), b = random(r, k * n), want = random(r, m * n), got = want.clone();
                PackedB packed = Gemms.named(maker).pack(false, k, n, b, 0, n);
                g.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 1f, want, 0, n);
                g.sgemm(false, m, 1f, a, 0, k, packed, 1f, got, 0, n);
                assertThat(firstDifference(want, got)).as(maker + "'s handle in " + user).isEqualTo(-1);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void concurrentCallersSharingAHandleGetTheBitsOfTheUnpackedCall(String name) throws Exception {
        Gemm g = Gemms.named(name);
        Random r = new Random(8);
        int n = 256, k = 64;
        float[] b = random(r, k * n);
        PackedB packed = g.pack(false, k, n, b, 0, n);
        List<Callable<Integer>> jobs = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            int m = 20 + 37 * t;
            float[] a = random(r, m * k);
            jobs.add(mismatchesOfRepeats(m * n, (want, got) -> {
                g.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, want, 0, n);
                g.sgemm(false, m, 1f, a, 0, k, packed, 0f, got, 0, n);
            }));
        }
        assertNoJobMismatches(jobs);
    }

    /** A job that computes C twice ({@code product} fills want and got) five times and counts the differing pairs. */
    static Callable<Integer> mismatchesOfRepeats(int size, BiConsumer<float[], float[]> product) {
        return () -> {
            int bad = 0;
            for (int rep = 0; rep < 5; rep++) {
                float[] want = new float[size], got = new float[size];
                product.accept(want, got);
                if (firstDifference(want, got) >= 0) bad++;
            }
            return bad;
        };
    }

    /** Runs the jobs on three threads at once and checks that none found a mismatch. */
    static void assertNoJobMismatches(List<Callable<Integer>> jobs) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            for (Future<Integer> f : pool.invokeAll(jobs)) assertThat(f.get()).isZero();
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The same check in JVMs with one and with three threads (this JVM has the thread count of the build), and with
     * the 6-row tile and shallow depth blocks (several per product).
     */
    @Test
    void packedProductsGiveTheUnpackedBitsWithOneAndThreeThreadsAndOtherBlocking() throws Exception {
        assertNoMismatchesInOtherJvms(GemmPackedBTest.class);
    }

    /** Runs {@code main} (which prints each kernel's mismatch count) with one and three threads and other blocking. */
    static void assertNoMismatchesInOtherJvms(Class<?> main) throws Exception {
        for (String[] options : new String[][] {{"-Dnabla.threads=1"}, {"-Dnabla.threads=3"}, {"-Dnabla.gemm.mr=6", "-Dnabla.gemm.kc=64"}}) {
            List<String> out = ChildJvm.run(main, 300, options);
            assertThat(out.stream().filter(l -> l.startsWith("checked ")).toList())
                    .as(String.join("\n", out)).containsExactlyElementsOf(Gemms.available().stream().map(k -> "checked " + k + ": 0 mismatches").toList());
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void badOperandsAreRejectedWithTheirShapes(String name) {
        Gemm g = Gemms.named(name);
        assertThatThrownBy(() -> g.pack(false, 3, 2, new float[5], 0, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("B (3x2");
        assertThatThrownBy(() -> g.pack(true, 3, -2, new float[6], 0, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("n=-2");
        PackedB packed = g.pack(false, 3, 2, new float[6], 0, 2);
        assertThat(packed.k()).isEqualTo(3);
        assertThat(packed.n()).isEqualTo(2);
        assertThatThrownBy(() -> g.sgemm(false, 2, 1f, new float[5], 0, 3, packed, 0f, new float[4], 0, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("A (2x3");
        assertThatThrownBy(() -> g.sgemm(false, 2, 1f, new float[6], 0, 3, packed, 0f, new float[3], 0, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("C (2x2");
    }

    /** Prints each kernel's mismatch count (run by the test above in JVMs with other thread counts). */
    public static void main(String[] args) {
        for (String name : Gemms.available()) System.out.println("checked " + name + ": " + mismatches(Gemms.named(name)).size() + " mismatches");
    }

    /** Every case of {@link #SHAPES} whose packed product differs in any bit from the unpacked one. */
    static List<String> mismatches(Gemm g) {
        return mismatches(g, SHAPES, false);
    }

    /**
     * Every case whose product through a packed operand differs in any bit from the unpacked call. Each shape is
     * {the packed operand's other size (n for B, m for A), k, then the sizes of the operands multiplied by it}.
     */
    static List<String> mismatches(Gemm g, int[][] shapes, boolean packA) {
        List<String> bad = new ArrayList<>();
        Random r = new Random(1);
        float[] alphas = {1f, -0.75f};
        float[] betas = {0f, 1f, 0.5f};
        int cases = 0;
        for (int[] s : shapes) {
            int fixed = s[0], k = s[1];
            for (boolean tp : new boolean[] {false, true}) {
                // the packed operand, stored [fixed, k] when transposed as a B or plain as an A, else [k, fixed]
                boolean kRows = packA == tp;
                int ldp = (kRows ? fixed : k) + r.nextInt(3), pOff = r.nextInt(5);
                float[] p = random(r, pOff + ((kRows ? k : fixed) - 1) * ldp + (kRows ? fixed : k));
                PackedA pa = packA ? g.packA(tp, fixed, k, p, pOff, ldp) : null;
                PackedB pb = packA ? null : g.pack(tp, k, fixed, p, pOff, ldp);
                for (int i = 2; i < s.length; i++) {
                    int other = s[i], m = packA ? fixed : other, n = packA ? other : fixed;
                    for (int t = 0; t < 4; t++) {
                        boolean to = t % 2 == 1, ta = packA ? tp : to, tb = packA ? to : tp;
                        boolean oRows = packA == to; // the other operand stored [other, k]: a transposed B, a plain A
                        int ldo = (oRows ? k : other) + r.nextInt(3), oOff = r.nextInt(5), ldc = n + r.nextInt(3), cOff = r.nextInt(5);
                        float[] o = random(r, oOff + ((oRows ? other : k) - 1) * ldo + (oRows ? k : other));
                        float alpha = alphas[t / 2], beta = betas[cases % 3];
                        cases++;
                        float[] want = random(r, cOff + (m - 1) * ldc + n + 2);
                        if (beta == 0f) java.util.Arrays.fill(want, Float.NaN);
                        float[] got = want.clone();
                        if (packA) {
                            g.sgemm(ta, tb, m, n, k, alpha, p, pOff, ldp, o, oOff, ldo, beta, want, cOff, ldc);
                            g.sgemm(pa, tb, n, alpha, o, oOff, ldo, beta, got, cOff, ldc);
                        } else {
                            g.sgemm(ta, tb, m, n, k, alpha, o, oOff, ldo, p, pOff, ldp, beta, want, cOff, ldc);
                            g.sgemm(ta, m, alpha, o, oOff, ldo, pb, beta, got, cOff, ldc);
                        }
                        int at = firstDifference(want, got);
                        if (at >= 0) {
                            bad.add(g.name() + ": m=" + m + " n=" + n + " k=" + k + " transA=" + ta + " transB=" + tb
                                    + " alpha=" + alpha + " beta=" + beta + ": C[" + at + "] " + got[at] + " instead of " + want[at]);
                        }
                    }
                }
            }
        }
        return bad;
    }

    /** The first index where the raw bits differ, or -1. */
    static int firstDifference(float[] want, float[] got) {
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToRawIntBits(want[i]) != Float.floatToRawIntBits(got[i])) return i;
        }
        return -1;
    }

    static float[] random(Random r, int length) {
        float[] x = new float[length];
        for (int i = 0; i < length; i++) x[i] = r.nextFloat() * 2f - 1f;
        return x;
    }
}
