package dev.nabla.kernels;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ReduceTest {

    /**
     * Sums, maxima and minima over the middle of [outer, r, inner], on shapes that threads split by blocks, by columns
     * of one block and by rows: each output is the reduction in order of j (sums in double; a contiguous row in four
     * partial sums), whichever thread took it.
     */
    @Test
    void eachOutputIsTheInOrderReductionOfItsColumnWhateverTheSplit() {
        int[][] shapes = {{128, 16, 64}, {1, 128, 1024}, {300, 400, 1}, {3, 5, 7}, {2, 70000, 1}, {1, 3, 40000}};
        Random r = new Random(11);
        for (int[] s : shapes) {
            int outer = s[0], n = s[1], inner = s[2];
            float[] a = new float[outer * n * inner];
            for (int i = 0; i < a.length; i++) a[i] = r.nextFloat() * 2f - 1f;
            for (Reduce.Kind kind : Reduce.Kind.values()) {
                float[] got = new float[outer * inner];
                Reduce.reduce(kind, a, outer, n, inner, got);
                for (int o = 0; o < outer; o++) {
                    for (int i = 0; i < inner; i++) {
                        double sum = 0;
                        float max = Float.NEGATIVE_INFINITY, min = Float.POSITIVE_INFINITY;
                        for (int j = 0; j < n; j++) {
                            float v = a[(o * n + j) * inner + i];
                            sum += v;
                            max = Math.max(max, v);
                            min = Math.min(min, v);
                        }
                        float want = kind == Reduce.Kind.SUM ? (float) sum : kind == Reduce.Kind.MAX ? max : min;
                        if (kind == Reduce.Kind.SUM && inner == 1) want = (float) fourPartialSums(a, o * n, n);
                        assertEquals(want, got[o * inner + i], kind + " of " + java.util.Arrays.toString(s) + " at " + o + "," + i);
                    }
                }
            }
        }
    }

    /** A contiguous row's sum as documented for {@link Reduce#sum}: elements i, i+4, ... in four double sums. */
    private static double fourPartialSums(float[] a, int from, int n) {
        double[] s = new double[4];
        int full = n / 4 * 4;
        for (int i = 0; i < full; i++) s[i % 4] += a[from + i];
        for (int i = full; i < n; i++) s[0] += a[from + i];
        return (s[0] + s[1]) + (s[2] + s[3]);
    }
}
