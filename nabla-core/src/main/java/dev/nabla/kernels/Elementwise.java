package dev.nabla.kernels;

/**
 * Elementwise loops over row-major float arrays with NumPy broadcasting. The hot cases (same shape, a row or
 * column broadcast, a scalar) run as plain contiguous loops that the JIT vectorises.
 */
public final class Elementwise {
    /**
     * Elements per thread below which a loop stays on the caller. A Transformer's activations ([128, 16, 64]) are
     * past it: an add over them took 0.1 ms on one thread, on memory the step had just allocated.
     */
    static final int PARALLEL_GRAIN = 32 * 1024;

    private Elementwise() {}

    /**
     * Copies {@code row[from..from+n)} into each of the m rows of {@code out} ([m, n]): a dense layer's bias, which
     * its product then adds to. Split across threads as the loops below: on one thread, W7's linear layers spent 5% of
     * the training thread here, writing arrays the step had not touched lately.
     */
    public static void repeatRow(float[] row, int from, int n, float[] out, int m) {
        Parallel.forRange(m, Math.max(1, PARALLEL_GRAIN / Math.max(1, n)), (r0, r1) -> {
            for (int i = r0; i < r1; i++) System.arraycopy(row, from, out, i * n, n);
        });
    }

    /**
     * out = op(a, b) where a and b broadcast to outShape (rank of outShape >= ranks of a and b).
     */
    public static void binary(BinaryOp op, float[] a, int[] aShape, float[] b, int[] bShape, float[] out, int[] outShape) {
        int n = out.length;
        if (n == 0) return;
        if (a.length == n && b.length == n) {
            Parallel.forRange(n, PARALLEL_GRAIN, (from, to) -> run(op, a, from, 1, b, from, 1, out, from, to - from));
            return;
        }
        if (b.length == 1 && a.length == n) {
            Parallel.forRange(n, PARALLEL_GRAIN, (from, to) -> run(op, a, from, 1, b, 0, 0, out, from, to - from));
            return;
        }
        if (a.length == 1 && b.length == n) {
            Parallel.forRange(n, PARALLEL_GRAIN, (from, to) -> run(op, a, 0, 0, b, from, 1, out, from, to - from));
            return;
        }
        int rank = outShape.length;
        int[] as = broadcastStrides(aShape, outShape);
        int[] bs = broadcastStrides(bShape, outShape);
        // Merge the trailing dimensions that are contiguous in both operands into one inner run.
        int inner = outShape[rank - 1];
        int d = rank - 1;
        while (d > 0) {
            int prev = d - 1;
            boolean aContig = as[rank - 1] == 1 ? as[prev] == inner : as[rank - 1] == 0 && as[prev] == 0;
            boolean bContig = bs[rank - 1] == 1 ? bs[prev] == inner : bs[rank - 1] == 0 && bs[prev] == 0;
            if (!aContig || !bContig) break;
            inner *= outShape[prev];
            d = prev;
        }
        int outerRank = d, runLength = inner;
        Parallel.forRange(n / inner, Math.max(1, PARALLEL_GRAIN / inner),
                (from, to) -> broadcastRuns(op, a, as, b, bs, out, outShape, outerRank, runLength, from, to));
    }

    /** Runs [from, to) of {@link #binary}'s inner runs of a broadcast: run r starts at out[r * inner]. */
    private static void broadcastRuns(BinaryOp op, float[] a, int[] as, float[] b, int[] bs, float[] out, int[] outShape,
                                      int outerRank, int inner, int from, int to) {
        int rank = outShape.length, sa = as[rank - 1], sb = bs[rank - 1];
        int[] idx = new int[outerRank];
        int ao = 0, bo = 0;
        for (int k = outerRank - 1, rest = from; k >= 0; k--) { // the outer index of run 'from'
            idx[k] = rest % outShape[k];
            rest /= outShape[k];
            ao += idx[k] * as[k];
            bo += idx[k] * bs[k];
        }
        for (int r = from; r < to; r++) {
            run(op, a, ao, sa, b, bo, sb, out, r * inner, inner);
            for (int k = outerRank - 1; k >= 0; k--) {
                idx[k]++;
                ao += as[k];
                bo += bs[k];
                if (idx[k] < outShape[k]) break;
                ao -= as[k] * outShape[k];
                bo -= bs[k] * outShape[k];
                idx[k] = 0;
            }
        }
    }

    /** Strides of a shape broadcast to outShape: 0 along broadcast dimensions. */
    public static int[] broadcastStrides(int[] shape, int[] outShape) {
        int rank = outShape.length;
        int[] s = new int[rank];
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            int o = rank - shape.length + i;
            s[o] = shape[i] == 1 ? 0 : acc;
            acc *= shape[i];
        }
        return s;
    }

    private static void run(BinaryOp op, float[] a, int ao, int sa, float[] b, int bo, int sb, float[] out, int oo, int n) {
        if (sa == 1 && sb == 1) {
            switch (op) {
                case ADD: for (int i = 0; i < n; i++) out[oo + i] = a[ao + i] + b[bo + i]; return;
                case SUB: for (int i = 0; i < n; i++) out[oo + i] = a[ao + i] - b[bo + i]; return;
                case MUL: for (int i = 0; i < n; i++) out[oo + i] = a[ao + i] * b[bo + i]; return;
                case DIV: for (int i = 0; i < n; i++) out[oo + i] = a[ao + i] / b[bo + i]; return;
                default: break;
            }
        } else if (sa == 1 && sb == 0) {
            float y = b[bo];
            switch (op) {
                case ADD: for (int i = 0; i < n; i++) out[oo + i] = a[ao + i] + y; return;
                case SUB: for (int i = 0; i < n; i++) out[oo + i] = a[ao + i] - y; return;
                case MUL: for (int i = 0; i < n; i++) out[oo + i] = a[ao + i] * y; return;
                case DIV: for (int i = 0; i < n; i++) out[oo + i] = a[ao + i] / y; return;
                default: break;
            }
        } else if (sa == 0 && sb == 1) {
            float x = a[ao];
            switch (op) {
                case ADD: for (int i = 0; i < n; i++) out[oo + i] = x + b[bo + i]; return;
                case SUB: for (int i = 0; i < n; i++) out[oo + i] = x - b[bo + i]; return;
                case MUL: for (int i = 0; i < n; i++) out[oo + i] = x * b[bo + i]; return;
                case DIV: for (int i = 0; i < n; i++) out[oo + i] = x / b[bo + i]; return;
                default: break;
            }
        }
        for (int i = 0; i < n; i++) out[oo + i] = op.apply(a[ao + i * sa], b[bo + i * sb]);
    }

    /** out[i] = a[i] + alpha * b[i] over n elements (axpy). */
    public static void addScaled(float[] a, int ao, float alpha, float[] b, int bo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) out[oo + i] = a[ao + i] + alpha * b[bo + i];
    }

    /**
     * out[i] = y[i] == 0 ? 0 : g[i], the gradient through a ReLU from its output y = max(x, +0) over n elements: g
     * passes where the input was positive and where it was NaN (y is then NaN, of either sign), as PyTorch's, whose
     * mask is "output not <= 0". y is never -0 or negative (max(-0, +0) is +0), so the mask is "y's bits are not 0".
     * Computed with a bit mask instead of a branch: on real activations the sign is unpredictable, and the branchy
     * loop was 10x slower (a mispredict per few elements); from the output, the mask takes three integer operations
     * (from the input, telling a NaN apart took seven: 0.58 instead of 0.33 ns per element).
     */
    public static void reluGradientFromOutput(float[] y, int yo, float[] g, int go, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) out[oo + i] = reluGradientFromOutput(y[yo + i], g[go + i]);
    }

    /** y == 0 ? 0 : g for one ReLU output y, without a branch (as {@link #reluGradientFromOutput(float[], int, float[], int, float[], int, int)}). */
    public static float reluGradientFromOutput(float y, float g) {
        int bits = Float.floatToRawIntBits(y);
        int keep = (bits | -bits) >> 31; // all ones unless bits == 0
        return Float.intBitsToFloat(Float.floatToRawIntBits(g) & keep);
    }

    public static void scale(float[] a, float s, float[] out) {
        for (int i = 0; i < a.length; i++) out[i] = a[i] * s;
    }
}
