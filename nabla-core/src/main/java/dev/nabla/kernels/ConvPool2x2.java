package dev.nabla.kernels;

/**
 * A stride-1 ReLU convolution with few taps followed by the 2x2, stride-2 max pool, computed window by window: the
 * convolution is evaluated only at the four corners of each pooling window, each corner a vector of L windows, from
 * the input split by row and column parity into planes in which every tap of every corner reads L consecutive
 * values. The pool and its gradient then work on whole vectors (the maximum of four, a mask per corner) instead of
 * scattering and gathering single pixels, and no column matrix or whole convolution output is ever written.
 *
 * <p>Built for a network's first layer (W5's 1 channel, 3x3 taps: its products have a depth of 9, too shallow for
 * the GEMM, whose cost there was the passes around it). Each window's value is exactly that of the convolution by
 * {@link VectorGemm}'s packed path, ReLU and {@link MaxPool2x2} in turn: per corner the same chain of multiply-adds
 * in tap order, from zero, then the bias and the ReLU; the same winning corner wherever the maximum is positive
 * (elsewhere no gradient passes). Only the kernel and bias gradients are summed in another order (by lanes, then
 * across lanes). Loaded only with the Vector API module; without it {@link #plan} says no and the caller uses the
 * GEMM.
 */
public final class ConvPool2x2 {

    /** At most this many taps (input channels times kernel positions): a first layer's 1 or 3 channels of 3x3 or 5x5. */
    static final int MAX_TAPS = 32;

    interface Impl {
        int lanes();

        boolean forward(Plan p, float[] x, int sample, float[] kernel, float[] bias, int filters, float[] out, int outOff,
                        byte[] corners);

        void kernelGradient(Plan p, float[] x, float[] out, float[] dy, byte[] corners, int filters, int from, int to,
                            float[] dk, double[] db);
    }

    static final Impl IMPL = VectorImplementations.orScalar(Impl.class, "VectorConvPool2x2", null);

    private ConvPool2x2() {
    }

    /**
     * The windows' geometry for images of c x h x w, k x k taps, stride 1, padTop / padLeft zeros (any odd zeros at the
     * bottom and right) and ph x pw pooling windows; the input planes' layout; each corner's tap offsets into them.
     * A plane holds, for one channel, row parity ry, column parity rx and column shift b, the input values
     * {@code x[2 i + ry][2 (j + b) + rx]} for window rows i (a few more than ph: the taps reach below) and columns
     * j &lt; pw, zero outside the image; tap (ch, ky, kx) of corner (dy, dx) at window q reads its plane at
     * {@code taps[corner * rows + tap] + q}.
     */
    public static final class Plan {
        final int c, h, w, rows, pooled, padded, planeRows, shifts, rowMin, shiftMin, pw, planeStride, planesSize;
        final int[] taps;

        Plan(int lanes, int c, int h, int w, int k, int padTop, int padLeft, int ph, int pw) {
            this.c = c;
            this.h = h;
            this.w = w;
            this.pw = pw;
            rows = c * k * k;
            pooled = ph * pw;
            padded = (pooled + lanes - 1) / lanes * lanes;
            rowMin = -padTop >> 1; // floor((dy + ky - padTop) / 2) over the corners and taps
            planeRows = ph + ((k - padTop) >> 1) - rowMin;
            shiftMin = -padLeft >> 1;
            shifts = ((k - padLeft) >> 1) - shiftMin + 1;
            planeStride = planeRows * pw + lanes; // the last vector of windows reads up to a vector past the rows
            planesSize = c * 4 * shifts * planeStride;
            taps = new int[4 * rows];
            for (int corner = 0; corner < 4; corner++) {
                for (int t = 0; t < rows; t++) {
                    int ch = t / (k * k), ty = corner / 2 + t / k % k - padTop, tx = corner % 2 + t % k - padLeft;
                    int plane = ((ch * 2 + (ty & 1)) * 2 + (tx & 1)) * shifts + (tx >> 1) - shiftMin;
                    taps[corner * rows + t] = plane * planeStride + ((ty >> 1) - rowMin) * pw;
                }
            }
        }

        /** Sample n's planes (of x, [n, c, h, w]) into {@code planes}, every entry written. */
        void fill(float[] x, int n, float[] planes) {
            java.util.Arrays.fill(planes, 0, planesSize, 0f); // what lies outside the image, and the pads
            for (int ch = 0; ch < c; ch++) {
                int image = (n * c + ch) * h * w;
                for (int ry = 0; ry < 2; ry++) {
                    for (int rx = 0; rx < 2; rx++) {
                        for (int b = 0; b < shifts; b++) {
                            int base = (((ch * 2 + ry) * 2 + rx) * shifts + b) * planeStride;
                            int column = 2 * (b + shiftMin) + rx; // plane column j reads image column 2 j + column
                            int first = Math.max(0, -Math.floorDiv(column, 2)), end = Math.min(pw, -Math.floorDiv(column - w, 2));
                            for (int i = 0; i < planeRows; i++) {
                                int y = 2 * (i + rowMin) + ry;
                                if (y < 0 || y >= h) continue;
                                int src = image + y * w + column, d = base + i * pw;
                                for (int j = first; j < end; j++) planes[d + j] = x[src + 2 * j];
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * The plan for a stride-1 convolution of [*, c, h, w] images by k x k taps with these zeros and output size, pooled
     * 2x2, or null when this kernel does not take it: no Vector API, or too many taps for the GEMM to be the slower.
     */
    public static Plan plan(int c, int h, int w, int k, int padTop, int padLeft, int outH, int outW) {
        if (IMPL == null || c * k * k > MAX_TAPS || outH < 2 || outW < 2) return null;
        return new Plan(IMPL.lanes(), c, h, w, k, padTop, padLeft, outH / 2, outW / 2);
    }

    /**
     * Sample n's pooled ReLU convolution: out[outOff + f * windows + q] for filter f and window q (row-major), and
     * the window's winning corner (as {@link MaxPool2x2#corner}) at the same index of {@code corners}. x is [n, c, h,
     * w], kernel [filters, rows], bias [filters] or null. Returns false, having written nothing, when a window's
     * maximum is NaN (the caller computes that sample another way: the NaN rule for corners is not done here).
     */
    public static boolean forward(Plan p, float[] x, int sample, float[] kernel, float[] bias, int filters, float[] out,
                                  int outOff, byte[] corners) {
        return IMPL.forward(p, x, sample, kernel, bias, filters, out, outOff, corners);
    }

    /**
     * The kernel gradient ([filters, rows], overwritten) and bias gradient ([filters], overwritten) of samples
     * [from, to), given the forward's pooled output and corners and the gradient dy with respect to the pooled output
     * (both [n, filters, windows]). Every input value must be finite ({@link #allFinite}): a window's zero
     * gradient at a corner that did not win is multiplied by its input, and infinity times zero would make a NaN.
     */
    public static void kernelGradient(Plan p, float[] x, float[] out, float[] dy, byte[] corners, int filters, int from,
                                      int to, float[] dk, double[] db) {
        IMPL.kernelGradient(p, x, out, dy, corners, filters, from, to, dk, db);
    }

    /** Whether every value of {@code x} is finite, as the gradient needs. */
    public static boolean allFinite(float[] x) {
        int exponent = 0; // the largest exponent field: all ones only for an infinity or NaN
        for (float v : x) exponent = Math.max(exponent, Float.floatToRawIntBits(v) & 0x7f800000);
        return exponent != 0x7f800000;
    }
}
