package dev.nabla.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The vector kernel's products of at most four rows with B stored as is read B in place instead of packing it. They
 * must give the packed path's bits: each entry a chain of fused multiply-adds in depth order from zero within each
 * depth block of {@link VectorGemm#KC}, the first block stored (beta 0) or added to beta C, the next ones added. The
 * reference here computes exactly that chain in scalar code, so any other order or an unfused step shows up as a
 * differing bit.
 */
class FewRowsGemmTest {

    private final Gemm vector = Gemms.named("vector");

    @Test
    void fewRowsGiveThePackedPathsChainBitForBit() {
        Random r = new Random(17);
        int kc = VectorGemm.KC;
        // {m, n, k} above the small-product path: full and partial column blocks, one and two depth blocks, one large
        // enough to split over threads, a one-row prediction through a 784x256 layer. k stays below 2 KC, where a
        // weight gradient (A transposed) is summed in two depth halves instead.
        int[][] shapes = {{1, 100, 400}, {2, 64, 300}, {3, 64, kc + 37}, {4, 45, 2 * kc - 5}, {4, 700, 800}, {1, 256, 784}};
        for (int[] s : shapes) {
            for (boolean transA : new boolean[] {false, true}) {
                for (float beta : new float[] {0f, 1f, 0.5f}) {
                    check(r, transA, s[0], s[1], Math.min(s[2], 2 * kc - 1), beta);
                }
            }
        }
    }

    private void check(Random r, boolean transA, int m, int n, int k, float beta) {
        int lda = (transA ? m : k) + 3, ldb = n + 2, ldc = n + 1, aOff = 5, bOff = 4, cOff = 2;
        float[] a = random(r, aOff + (transA ? k : m) * lda), b = random(r, bOff + k * ldb), c = random(r, cOff + m * ldc);
        if (beta == 0f) c[cOff] = Float.NaN; // beta 0 overwrites what C held
        float[] got = c.clone();
        vector.sgemm(transA, false, m, n, k, 1f, a, aOff, lda, b, bOff, ldb, beta, got, cOff, ldc);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int o = cOff + i * ldc + j;
                float want = beta == 0f ? 0f : beta == 1f ? c[o] : beta * c[o];
                for (int pc = 0; pc < k; pc += VectorGemm.KC) {
                    float chain = 0f;
                    for (int p = pc; p < Math.min(k, pc + VectorGemm.KC); p++) {
                        float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                        chain = Math.fma(av, b[bOff + p * ldb + j], chain);
                    }
                    want = pc == 0 && beta == 0f ? chain : chain + want;
                }
                assertThat(Float.floatToRawIntBits(got[o]))
                        .as("m=%d n=%d k=%d transA=%s beta=%s: C(%d, %d)", m, n, k, transA, beta, i, j)
                        .isEqualTo(Float.floatToRawIntBits(want));
            }
        }
        for (int i = 0; i < m; i++) assertThat(got[cOff + i * ldc + n]).as("C's padding past row %d", i).isEqualTo(c[cOff + i * ldc + n]);
    }

    private static float[] random(Random r, int length) {
        float[] x = new float[length];
        for (int i = 0; i < length; i++) x[i] = r.nextFloat() * 2f - 1f;
        return x;
    }
}
