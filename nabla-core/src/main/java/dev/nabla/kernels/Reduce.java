package dev.nabla.kernels;

/**
 * Reductions of an array viewed as [outer, r, inner] over the middle dimension, into [outer, inner].
 * Sums accumulate in double so large reductions stay accurate in float32 storage.
 */
public final class Reduce {
    private Reduce() {}

    public enum Kind { SUM, MAX, MIN }

    public static void reduce(Kind kind, float[] a, int outer, int r, int inner, float[] out) {
        int grain = Math.max(1, Elementwise.PARALLEL_GRAIN / Math.max(1, r));
        if (inner == 1) {
            Parallel.forRange(outer, grain, (from, to) -> {
                for (int o = from; o < to; o++) out[o] = reduceRow(kind, a, o * r, r);
            });
        } else if (outer > 1) {
            Parallel.forRange(outer, Math.max(1, grain / inner), (from, to) -> reduceColumns(kind, a, from, to, r, inner, 0, inner, out));
        } else { // one block: threads take column ranges of it
            Parallel.forRange(inner, grain, (from, to) -> reduceColumns(kind, a, 0, 1, r, inner, from, to, out));
        }
    }

    /** Columns [i0, i1) of blocks [o0, o1) of {@link #reduce}: each output reduced over j in order, as on one thread. */
    private static void reduceColumns(Kind kind, float[] a, int o0, int o1, int r, int inner, int i0, int i1, float[] out) {
        double[] acc = kind == Kind.SUM ? new double[i1 - i0] : null;
        for (int o = o0; o < o1; o++) {
            int base = o * r * inner, ob = o * inner;
            if (kind == Kind.SUM) {
                java.util.Arrays.fill(acc, 0);
                for (int j = 0; j < r; j++) {
                    int row = base + j * inner + i0;
                    for (int i = 0; i < acc.length; i++) acc[i] += a[row + i];
                }
                for (int i = 0; i < acc.length; i++) out[ob + i0 + i] = (float) acc[i];
            } else {
                System.arraycopy(a, base + i0, out, ob + i0, i1 - i0);
                for (int j = 1; j < r; j++) {
                    int row = base + j * inner;
                    if (kind == Kind.MAX) {
                        for (int i = i0; i < i1; i++) out[ob + i] = Math.max(out[ob + i], a[row + i]);
                    } else {
                        for (int i = i0; i < i1; i++) out[ob + i] = Math.min(out[ob + i], a[row + i]);
                    }
                }
            }
        }
    }

    private static float reduceRow(Kind kind, float[] a, int off, int r) {
        switch (kind) {
            case SUM: return (float) sum(a, off, r);
            case MAX: {
                float m = a[off];
                for (int j = 1; j < r; j++) m = Math.max(m, a[off + j]);
                return m;
            }
            case MIN: {
                float m = a[off];
                for (int j = 1; j < r; j++) m = Math.min(m, a[off + j]);
                return m;
            }
            default: throw new AssertionError(kind);
        }
    }

    /**
     * The sum of a[from, from + n) in double, over four interleaved partial sums: a single running sum waits on
     * each addition before the next (a 4-cycle chain per element), which made the bias gradient of W5's first
     * convolution cost as much as its kernel gradient. The order is fixed, so the result is reproducible.
     */
    public static double sum(float[] a, int from, int n) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = from, end = from + n;
        for (; i + 3 < end; i += 4) {
            s0 += a[i];
            s1 += a[i + 1];
            s2 += a[i + 2];
            s3 += a[i + 3];
        }
        for (; i < end; i++) s0 += a[i];
        return (s0 + s1) + (s2 + s3);
    }

    /** The sum of (a[i] - mean)^2 over a[from, from + n), in double over four partial sums as {@link #sum}. */
    public static double squaredDeviations(float[] a, int from, int n, float mean) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = from, end = from + n;
        for (; i + 3 < end; i += 4) {
            float c0 = a[i] - mean, c1 = a[i + 1] - mean, c2 = a[i + 2] - mean, c3 = a[i + 3] - mean;
            s0 += c0 * c0;
            s1 += c1 * c1;
            s2 += c2 * c2;
            s3 += c3 * c3;
        }
        for (; i < end; i++) {
            float c = a[i] - mean;
            s0 += c * c;
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** The dot product of a[aFrom, aFrom + n) and b[bFrom, bFrom + n), in double over four partial sums as {@link #sum}. */
    public static double dot(float[] a, int aFrom, float[] b, int bFrom, int n) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += a[aFrom + i] * b[bFrom + i];
            s1 += a[aFrom + i + 1] * b[bFrom + i + 1];
            s2 += a[aFrom + i + 2] * b[bFrom + i + 2];
            s3 += a[aFrom + i + 3] * b[bFrom + i + 3];
        }
        for (; i < n; i++) s0 += a[aFrom + i] * b[bFrom + i];
        return (s0 + s1) + (s2 + s3);
    }

    /** Index of the first maximum (or minimum) along r, as float, into [outer, inner]. */
    public static void argExtreme(boolean max, float[] a, int outer, int r, int inner, float[] out) {
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * r * inner + i;
                float best = a[base];
                int bi = 0;
                for (int j = 1; j < r; j++) {
                    float v = a[base + j * inner];
                    if (max ? v > best : v < best) {
                        best = v;
                        bi = j;
                    }
                }
                out[o * inner + i] = bi;
            }
        }
    }
}
