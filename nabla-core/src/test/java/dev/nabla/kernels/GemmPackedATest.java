package dev.nabla.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import static dev.nabla.kernels.GemmPackedBTest.firstDifference;
import static dev.nabla.kernels.GemmPackedBTest.random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Products through a {@link PackedA} give the same bits as {@link Gemm#sgemm} with A as stored, for every kernel:
 * one handle for many B's of different widths, both transposes of each operand, alpha 1 and another, beta 0 (over
 * NaN), 1 and another, padded strides and offsets, on shapes that reach every path of the vector kernel (small,
 * narrow, long dots, B packed whole with rows copied or packed, blocks over rows and columns, several depth blocks,
 * tile edges), with one and three threads, both tile heights, and concurrent callers sharing a handle.
 */
class GemmPackedATest {

    /** {m, k, then the widths n of the B's multiplied by one handle}. */
    static final int[][] SHAPES = {
            {7, 9, 5, 16, 40},            // small, and narrow C
            {9, 8200, 32, 3},             // few outputs over a long depth
            {128, 128, 10, 12},           // narrow C, computed transposed
            {64, 288, 121, 484, 1},       // a convolution's kernel against an image's columns, tile edges
            {288, 64, 121, 64},           // its transpose against the output gradient
            {203, 270, 61},               // B packed whole, row chunks, rows copied
            {1500, 300, 130, 9},          // blocks over rows, then over columns
            {9, 530, 700},                // columns, several depth blocks on small-L1 machines
            {600, 1100, 40},              // several depth blocks
            {40, 30, 2100},               // wider than a column block
            {11, 1025, 97},
    };

    static Stream<String> kernels() {
        return Gemms.available().stream();
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void productsWithAPackedAGiveTheBitsOfTheUnpackedCall(String name) {
        assertThat(mismatches(Gemms.named(name))).isEmpty();
    }

    /** A handle made by one kernel, given to another, is that kernel's product with A as stored. */
    @Test
    void aHandleFromAnotherKernelGivesTheBitsOfTheUnpackedCall() {
        for (String maker : Gemms.available()) {
            for (String user : Gemms.available()) {
                Gemm g = Gemms.named(user);
                Random r = new Random(7);
                int m = 64, n = 121, k = 288;
                float[] a = random(r, m * k), b = random(r, k * n), want = random(r, m * n), got = want.clone();
                PackedA packed = Gemms.named(maker).packA(false, m, k, a, 0, k);
                g.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 1f, want, 0, n);
                g.sgemm(packed, false, n, 1f, b, 0, n, 1f, got, 0, n);
                assertThat(firstDifference(want, got)).as(maker + "'s handle in " + user).isEqualTo(-1);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void concurrentCallersSharingAHandleGetTheBitsOfTheUnpackedCall(String name) throws Exception {
        Gemm g = Gemms.named(name);
        Random r = new Random(8);
        int m = 64, k = 288;
        float[] a = random(r, m * k);
        PackedA packed = g.packA(false, m, k, a, 0, k);
        List<Callable<Integer>> jobs = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            int n = 20 + 37 * t;
            float[] b = random(r, k * n);
            jobs.add(GemmPackedBTest.mismatchesOfRepeats(m * n, (want, got) -> {
                g.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, want, 0, n);
                g.sgemm(packed, false, n, 1f, b, 0, n, 0f, got, 0, n);
            }));
        }
        GemmPackedBTest.assertNoJobMismatches(jobs);
    }

    /** The same check in JVMs with one and with three threads, and with the 6-row tile and shallow depth blocks. */
    @Test
    void packedProductsGiveTheUnpackedBitsWithOneAndThreeThreadsAndOtherBlocking() throws Exception {
        GemmPackedBTest.assertNoMismatchesInOtherJvms(GemmPackedATest.class);
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void badOperandsAreRejectedWithTheirShapes(String name) {
        Gemm g = Gemms.named(name);
        assertThatThrownBy(() -> g.packA(false, 3, 2, new float[5], 0, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("A (3x2");
        assertThatThrownBy(() -> g.packA(true, -3, 2, new float[6], 0, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("m=-3");
        PackedA packed = g.packA(false, 3, 2, new float[6], 0, 2);
        assertThat(packed.m()).isEqualTo(3);
        assertThat(packed.k()).isEqualTo(2);
        assertThatThrownBy(() -> g.sgemm(packed, false, 4, 1f, new float[7], 0, 4, 0f, new float[12], 0, 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("B (2x4");
        assertThatThrownBy(() -> g.sgemm(packed, false, 4, 1f, new float[8], 0, 4, 0f, new float[11], 0, 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("C (3x4");
    }

    /** Prints each kernel's mismatch count (run by the test above in JVMs with other thread counts). */
    public static void main(String[] args) {
        for (String name : Gemms.available()) System.out.println("checked " + name + ": " + mismatches(Gemms.named(name)).size() + " mismatches");
    }

    /** Every case of {@link #SHAPES} whose packed product differs in any bit from the unpacked one. */
    static List<String> mismatches(Gemm g) {
        return GemmPackedBTest.mismatches(g, SHAPES, true);
    }
}
