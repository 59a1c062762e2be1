package dev.nabla.kernels;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The tiny products' one loop per entry gives the bits of the path those products took before it. */
class ScalarSmallGemmTest {

    @Test
    void aTinyProductGivesTheBitsOfTheNarrowOrGeneralLoops() {
        Random r = new Random(21);
        int[][] shapes = {{4, 3, 5}, {4, 3, 2}, {4, 1, 3}, {1, 1, 1}, {3, 8, 4}, {8, 8, 8}, {2, 16, 16}, {10, 3, 17}, {5, 7, 1}};
        float[] alphas = {1f, 0.37f}, betas = {0f, 1f, -0.6f};
        for (int[] s : shapes) {
            int m = s[0], n = s[1], k = s[2];
            for (int flags = 0; flags < 4; flags++) {
                boolean transA = (flags & 1) != 0, transB = (flags & 2) != 0;
                for (float alpha : alphas) {
                    for (float beta : betas) {
                        int lda = (transA ? m : k) + 2, ldb = (transB ? k : n) + 1, ldc = n + 3;
                        float[] a = gaussian(r, 1 + (transA ? k : m) * lda), b = gaussian(r, 2 + (transB ? n : k) * ldb);
                        float[] c = gaussian(r, 3 + m * ldc), expected = c.clone();
                        if (n < ScalarSmallGemm.NARROW && m > n) {
                            ScalarSmallGemm.narrow(transA, transB, m, n, k, alpha, a, 1, lda, b, 2, ldb, beta, expected, 3, ldc);
                        } else {
                            ScalarSmallGemm.general(transA, transB, m, n, k, alpha, a, 1, lda, b, 2, ldb, beta, expected, 3, ldc);
                        }
                        ScalarSmallGemm.tiny(transA, transB, m, n, k, alpha, a, 1, lda, b, 2, ldb, beta, c, 3, ldc);
                        assertThat(c).as("m%d n%d k%d transA %s transB %s alpha %s beta %s", m, n, k, transA, transB, alpha, beta)
                                .containsExactly(expected);
                    }
                }
            }
        }
    }

    private static float[] gaussian(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) r.nextGaussian();
        return x;
    }
}
