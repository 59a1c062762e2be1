package dev.nabla.nn;

import dev.nabla.autograd.Autograd;
import dev.nabla.autograd.StepArrays;
import dev.nabla.kernels.Elementwise;
import dev.nabla.kernels.Gemm;
import dev.nabla.kernels.Gemms;
import dev.nabla.kernels.PackedA;
import dev.nabla.kernels.Parallel;
import dev.nabla.kernels.RecycledArrays;
import dev.nabla.kernels.Reduce;
import dev.nabla.kernels.Runs;
import dev.nabla.tensor.Shape;
import dev.nabla.tensor.Tensor;

import java.util.Arrays;

/**
 * The differentiable convolution that {@link Conv2D} and {@link Conv1D} run, computed as one matrix product per
 * sample: an {@link Unfolding} turns the sample into [channels * kernel positions, output positions] columns (im2col),
 * which the [filters, channels * kernel positions] kernel multiplies; the backward pass unfolds each sample again for
 * the kernel gradient and folds (col2im) the column gradient back onto the input. {@link Images} unfold NCHW images,
 * {@link Sequences} [batch, channels, length] sequences. A ReLU can run inside the op: applied in place, its mask
 * folded into the backward pass (one op, no copies); {@link ConvReluMaxPool} also pools inside it.
 */
final class Convolution {

    /** The backward pass cuts the batch into this many chunks whatever the thread count. */
    private static final int KERNEL_GRADIENT_CHUNKS = 8;

    private Convolution() {
    }

    /**
     * Each thread's work arrays for one sample (its columns, their gradient, its output or output gradient), kept
     * from call to call and grown when a larger one is asked for. Allocated per chunk, they were a fifth of W5's
     * allocation; the extra young collections that caused promoted more of each step's graph and grew the heap.
     * A thread runs one chunk at a time (nested loops run inline), so a chunk has its thread's arrays to itself.
     */
    static final class Scratch {
        static final int COLUMNS = 0, COLUMN_GRADIENT = 1, SAMPLE = 2;
        private static final ThreadLocal<float[][]> OF_THREAD = ThreadLocal.withInitial(() -> new float[3][0]);

        private Scratch() {
        }

        /** This thread's array {@code slot}, at least {@code size} long, holding whatever its last use left there. */
        static float[] get(int slot, int size) {
            float[][] arrays = OF_THREAD.get();
            if (arrays[slot].length < size) arrays[slot] = new float[size];
            return arrays[slot];
        }
    }

    /**
     * How a convolution turns each sample of its input into the columns of one matrix product (im2col) and folds a
     * column gradient back (col2im). The products, the bias, the fused ReLU and the backward pass are then shared.
     */
    interface Unfolding {
        int samples();

        /** Rows of a sample's column matrix: input channels times kernel positions (the kernel's row length). */
        int rows();

        /** Columns: the output positions of one sample. */
        int columns();

        /** The input's shape, batch first. */
        int[] inputShape();

        /** The output's shape for a kernel of {@code filters}, batch first. */
        int[] outputShape(int filters);

        /**
         * Writes sample n's [rows, columns] matrix into {@code cols}, overwriting every entry; entries of cols after
         * the matrix may be overwritten too (it is a work array).
         */
        void im2col(float[] x, int n, float[] cols);

        /** The adjoint of {@link #im2col}: adds sample n's column gradient onto {@code dx}. */
        void col2im(float[] cols, int n, float[] dx);
    }

    /** The 2-D convolution as an op: x [n, c, h, w], kernel [f, c, k, k], bias [f] or null; then the ReLU when asked. */
    static Tensor conv2d(Tensor x, Tensor kernel, Tensor bias, int stride, Padding padding, boolean relu) {
        return apply("conv2d", x, kernel, bias, Images.of(x.shape(), kernel.dim(2), stride, padding), relu);
    }

    /**
     * The 1-D convolution as an op: x [n, c, l], kernel [f, c, k], bias [f] or null; {@code padding} zeros on each
     * side or {@link Sequences#SAME}; then the ReLU when asked.
     */
    static Tensor conv1d(Tensor x, Tensor kernel, Tensor bias, int stride, int padding, int dilation, boolean relu) {
        return apply("conv1d", x, kernel, bias, Sequences.of(x.shape(), kernel.dim(2), stride, padding, dilation), relu);
    }

    /**
     * The convolution of x as unfolded by {@code u}, as the op {@code op} (or {@code op_relu}): the output of
     * {@link #forward} and its backward pass.
     */
    static Tensor apply(String op, Tensor x, Tensor kernel, Tensor bias, Unfolding u, boolean relu) {
        int image = kernel.dim(0) * u.columns();
        float[] in = x.data();
        float[] out = forward(in, u, kernel, bias, relu);
        Tensor y = Tensor.of(out, u.outputShape(kernel.dim(0)));
        Tensor[] inputs = bias != null ? new Tensor[] {x, kernel, bias} : new Tensor[] {x, kernel};
        return Autograd.record(relu ? op + "_relu" : op, () -> (relu ? "the ReLU's mask first (the gradient passes"
                + " where the output was positive or NaN), then " : "") + "dW = dY convolved with the input patches;"
                + " dX = dY scattered back through the kernel (col2im); db = sum of dY", y, (grad, need) -> {
            float[] dy = grad.data();
            return backward(need, in, u, kernel, (n, d) -> {
                if (relu) Elementwise.reluGradientFromOutput(out, n * image, dy, n * image, d, 0, image);
                else System.arraycopy(dy, n * image, d, 0, image);
            });
        }, inputs);
    }

    /**
     * Sample by sample, kernel [filters, rows] times the sample's columns, plus the bias (then the ReLU when asked):
     * the output [samples, filters, columns]. Each sample's columns fit in cache and its product lands directly in
     * channels-first order, so no batch-sized column matrix or layout copy is ever allocated.
     */
    private static float[] forward(float[] in, Unfolding u, Tensor kernel, Tensor bias, boolean relu) {
        int filters = kernel.dim(0), rows = u.rows(), plane = u.columns(), image = filters * plane;
        float[] w = kernel.data(), b = bias == null ? null : bias.data();
        float[] out = StepArrays.forOutput(u.samples() * image, kernel, bias); // each sample written whole (beta 0)
        Gemm gemm = Gemms.get();
        PackedA kernelRows = gemm.packA(false, filters, rows, w, 0, rows); // once, not once per sample
        Parallel.forRange(u.samples(), 1, (from, to) -> {
            float[] cols = Scratch.get(Scratch.COLUMNS, rows * plane);
            for (int n = from; n < to; n++) {
                u.im2col(in, n, cols);
                gemm.sgemm(kernelRows, false, plane, 1f, cols, 0, plane, 0f, out, n * image, plane);
                addBias(out, n * image, filters, plane, b, relu);
            }
        });
        return out;
    }

    /** Adds the bias to one sample's [filters, plane] output and applies the ReLU when asked. */
    static void addBias(float[] out, int offset, int filters, int plane, float[] bias, boolean relu) {
        if (bias == null && !relu) return;
        float floor = relu ? 0f : Float.NEGATIVE_INFINITY;
        for (int f = 0; f < filters; f++) {
            float add = bias == null ? 0f : bias[f];
            for (int i = offset + f * plane, end = i + plane; i < end; i++) out[i] = Math.max(out[i] + add, floor);
        }
    }

    /**
     * Writes sample n's gradient with respect to the convolution's output ([filters, columns]) into the first
     * filters * columns entries of {@code d} (which may be longer), overwriting them.
     */
    @FunctionalInterface
    interface SampleGradient {
        void fill(int n, float[] d);

        /**
         * Adds sample n's bias gradient, d (as {@link #fill} left it) summed over each filter's columns, into db. A
         * source whose d is mostly zeros (a pooled one) may sum its few entries instead.
         */
        default void addBiasSums(int n, float[] d, int filters, int plane, double[] db) {
            for (int f = 0; f < filters; f++) db[f] += Reduce.sum(d, f * plane, plane);
        }
    }

    /**
     * Sample by sample again: the kernel gradient sums dY_n * cols_n^T over the samples of a chunk, the input gradient
     * folds K^T * dY_n back onto sample n. Chunks are a fixed number of samples (not one per thread) and their partial
     * sums are added in chunk order, so the result does not depend on the thread count. {@code source} gives each
     * sample's gradient with respect to the convolution's output (before any fused ReLU or pooling).
     */
    static Tensor[] backward(boolean[] need, float[] in, Unfolding u, Tensor k, SampleGradient source) {
        int filters = k.dim(0), rows = u.rows(), plane = u.columns(), image = filters * plane, samples = u.samples();
        boolean needKernel = need[1], needBias = need.length > 2 && need[2], needInput = need[0];
        float[] w = k.data();
        // zeroed: the samples' columns are added into it
        float[] dx = needInput ? RecycledArrays.takeZeroed(Shape.size(u.inputShape())) : null;
        int chunk = chunkSize(samples), chunks = (samples + chunk - 1) / chunk;
        float[][] dkParts = new float[chunks][];
        double[][] dbParts = new double[chunks][];
        Gemm gemm = Gemms.get();
        PackedA kernelT = needInput ? gemm.packA(true, rows, filters, w, 0, rows) : null; // K^T, once
        Parallel.forEachChunk(samples, chunk, (from, to) -> {
            float[] d = Scratch.get(Scratch.SAMPLE, image);
            float[] cols = needKernel ? Scratch.get(Scratch.COLUMNS, rows * plane) : null;
            float[] dCols = needInput ? Scratch.get(Scratch.COLUMN_GRADIENT, rows * plane) : null;
            float[] dk = needKernel ? new float[filters * rows] : null;
            double[] db = needBias ? new double[filters] : null;
            for (int n = from; n < to; n++) {
                source.fill(n, d);
                if (needBias) source.addBiasSums(n, d, filters, plane, db);
                if (needKernel) {
                    u.im2col(in, n, cols);
                    gemm.sgemm(false, true, filters, rows, plane, 1f, d, 0, plane, cols, 0, plane, 1f, dk, 0, rows);
                }
                if (needInput) {
                    gemm.sgemm(kernelT, false, plane, 1f, d, 0, plane, 0f, dCols, 0, plane);
                    u.col2im(dCols, n, dx);
                }
            }
            dkParts[from / chunk] = dk;
            dbParts[from / chunk] = db;
        });
        Tensor[] grads = new Tensor[need.length];
        if (needInput) grads[0] = Tensor.ofRecyclable(dx, u.inputShape());
        if (needKernel) grads[1] = sumOfChunks(dkParts, k.shape());
        if (needBias) grads[2] = sumOfChunks(dbParts);
        return grads;
    }

    /** Samples per chunk of a backward pass: {@link #KERNEL_GRADIENT_CHUNKS} chunks whatever the thread count. */
    static int chunkSize(int samples) {
        return Math.max(1, (samples + KERNEL_GRADIENT_CHUNKS - 1) / KERNEL_GRADIENT_CHUNKS);
    }

    /** The chunks' kernel gradients added in chunk order (the first chunk's array is reused). */
    static Tensor sumOfChunks(float[][] parts, int[] shape) {
        float[] sum = parts[0];
        for (int p = 1; p < parts.length; p++) for (int i = 0; i < sum.length; i++) sum[i] += parts[p][i];
        return Tensor.of(sum, shape);
    }

    /** The chunks' bias gradients added in chunk order, in double, then rounded. */
    static Tensor sumOfChunks(double[][] parts) {
        float[] sum = new float[parts[0].length];
        for (int f = 0; f < sum.length; f++) {
            double s = 0;
            for (double[] part : parts) s += part[f];
            sum[f] = (float) s;
        }
        return Tensor.of(sum, sum.length);
    }

    /** A sweep of a k x k window over NCHW images: sizes, the zeros added at the top and left, and the output size. */
    record Images(int n, int c, int h, int w, int k, int stride, int padTop, int padLeft, int outH, int outW) implements Unfolding {
        static Images of(int[] s, int k, int stride, Padding padding) {
            int h = s[2], w = s[3], outH, outW, padTop = 0, padLeft = 0;
            if (padding == Padding.SAME) {
                outH = (h + stride - 1) / stride;
                outW = (w + stride - 1) / stride;
                // As Keras / TensorFlow: any odd padding goes to the bottom and right.
                padTop = Math.max((outH - 1) * stride + k - h, 0) / 2;
                padLeft = Math.max((outW - 1) * stride + k - w, 0) / 2;
            } else {
                outH = h >= k ? (h - k) / stride + 1 : 0;
                outW = w >= k ? (w - k) / stride + 1 : 0;
            }
            return new Images(s[0], s[1], h, w, k, stride, padTop, padLeft, outH, outW);
        }

        @Override
        public int samples() {
            return n;
        }

        @Override
        public int rows() {
            return c * k * k;
        }

        @Override
        public int columns() {
            return outH * outW;
        }

        @Override
        public int[] inputShape() {
            return new int[] {n, c, h, w};
        }

        @Override
        public int[] outputShape(int filters) {
            return new int[] {n, filters, outH, outW};
        }

        /**
         * Row (ch, ky, kx), column (oy, ox) = x[sample, ch, oy*s + ky - padTop, ox*s + kx - padLeft], or 0 outside the
         * image. With stride 1 an output row's inputs are a run of the image's row, copied by {@link Runs#copy}, a
         * vector at a time: what a vector writes past the run is written again after it (the next runs, the zeros).
         */
        @Override
        public void im2col(float[] x, int sample, float[] cols) {
            int plane = outH * outW;
            for (int row = 0; row < c * k * k; row++) {
                int ch = row / (k * k), ky = row / k % k, kx = row % k, src = (sample * c + ch) * h * w, d = row * plane;
                int lo = firstInside(kx, padLeft, outW), hi = endInside(kx, padLeft, w, outW);
                int top = firstInside(ky, padTop, outH), bottom = endInside(ky, padTop, h, outH);
                if (stride == 1) {
                    Runs.copy(x, src + (top + ky - padTop) * w + kx - padLeft + lo, w, cols, d + top * outW + lo, outW, bottom - top, hi - lo, cols.length);
                } else {
                    for (int oy = top; oy < bottom; oy++) {
                        int rowStart = src + (oy * stride + ky - padTop) * w + kx - padLeft, o = d + oy * outW;
                        for (int ox = lo; ox < hi; ox++) cols[o + ox] = x[rowStart + ox * stride];
                    }
                }
                if (top == 0 && bottom == outH && lo == 0 && hi == outW) continue; // no zeros (a call per row cost 2 us an image)
                Arrays.fill(cols, d, d + top * outW, 0f);
                Arrays.fill(cols, d + bottom * outW, d + plane, 0f);
                for (int oy = top; oy < bottom; oy++) {
                    Arrays.fill(cols, d + oy * outW, d + oy * outW + lo, 0f);
                    Arrays.fill(cols, d + oy * outW + hi, d + (oy + 1) * outW, 0f);
                }
            }
        }

        @Override
        public void col2im(float[] cols, int sample, float[] dx) {
            int plane = outH * outW, end = (sample + 1) * c * h * w; // this sample's dx: no other thread writes there
            for (int row = 0; row < c * k * k; row++) {
                int ch = row / (k * k), ky = row / k % k, kx = row % k, s = row * plane;
                int dst = (sample * c + ch) * h * w + kx - padLeft;
                int lo = firstInside(kx, padLeft, outW), hi = endInside(kx, padLeft, w, outW);
                int top = firstInside(ky, padTop, outH), bottom = endInside(ky, padTop, h, outH);
                if (stride == 1) {
                    Runs.add(cols, s + top * outW + lo, outW, dx, dst + (top + ky - padTop) * w + lo, w, bottom - top, hi - lo, end);
                } else {
                    for (int oy = top; oy < bottom; oy++) {
                        int rowStart = dst + (oy * stride + ky - padTop) * w, o = s + oy * outW;
                        for (int ox = lo; ox < hi; ox++) dx[rowStart + ox * stride] += cols[o + ox];
                    }
                }
            }
        }

        /**
         * Along one axis (columns: padLeft, w, outW; rows: padTop, h, outH), the first output index o whose input index
         * o*stride + tap - pad is inside the image.
         */
        private int firstInside(int tap, int pad, int out) {
            return Math.min(out, Math.max(0, ceilDiv(pad - tap, stride)));
        }

        /** One past the last output index whose input index is inside the image (at least {@link #firstInside}). */
        private int endInside(int tap, int pad, int size, int out) {
            return Math.max(firstInside(tap, pad, out), Math.min(out, ceilDiv(size + pad - tap, stride)));
        }

        /** a / b rounded up; without a division for stride 1 (two per row of an unfolding were a tenth of its time). */
        private static int ceilDiv(int a, int b) {
            return b == 1 ? a : -Math.floorDiv(-a, b);
        }
    }

    /**
     * A sweep of a dilated window over [batch, channels, length] sequences: sizes, the zeros added on the left, and the
     * output length. Output position o reads input positions {@code o * stride + j * dilation - padLeft}.
     */
    record Sequences(int n, int c, int l, int k, int stride, int dilation, int padLeft, int outL) implements Unfolding {

        /** The padding amount that stands for SAME. */
        static final int SAME = -1;

        /** @param padding zeros on each side, or {@link #SAME} */
        static Sequences of(int[] s, int k, int stride, int padding, int dilation) {
            int l = s[2], span = (k - 1) * dilation + 1, outL, padLeft;
            if (padding == SAME) {
                outL = (l + stride - 1) / stride;
                padLeft = Math.max((outL - 1) * stride + span - l, 0) / 2;
            } else {
                int padded = l + 2 * padding;
                outL = padded >= span ? (padded - span) / stride + 1 : 0;
                padLeft = padding;
            }
            return new Sequences(s[0], s[1], l, k, stride, dilation, padLeft, outL);
        }

        @Override
        public int samples() {
            return n;
        }

        @Override
        public int rows() {
            return c * k;
        }

        @Override
        public int columns() {
            return outL;
        }

        @Override
        public int[] inputShape() {
            return new int[] {n, c, l};
        }

        @Override
        public int[] outputShape(int filters) {
            return new int[] {n, filters, outL};
        }

        /** Row (ch, j), column o = x[sample, ch, o * stride + j * dilation - padLeft], or 0 outside the sequence. */
        @Override
        public void im2col(float[] x, int sample, float[] cols) {
            for (int row = 0; row < c * k; row++) {
                int src = (sample * c + row / k) * l, offset = row % k * dilation - padLeft, d = row * outL;
                int lo = firstInside(offset), hi = endInside(offset);
                Arrays.fill(cols, d, d + lo, 0f);
                if (stride == 1) {
                    System.arraycopy(x, src + lo + offset, cols, d + lo, hi - lo);
                } else {
                    for (int o = lo; o < hi; o++) cols[d + o] = x[src + o * stride + offset];
                }
                Arrays.fill(cols, d + hi, d + outL, 0f);
            }
        }

        @Override
        public void col2im(float[] cols, int sample, float[] dx) {
            for (int row = 0; row < c * k; row++) {
                int dst = (sample * c + row / k) * l, offset = row % k * dilation - padLeft, s = row * outL;
                for (int o = firstInside(offset), hi = endInside(offset); o < hi; o++) dx[dst + o * stride + offset] += cols[s + o];
            }
        }

        /** The first output position o whose input o * stride + offset is at or after the sequence's start. */
        private int firstInside(int offset) {
            return Math.min(outL, Math.max(0, -Math.floorDiv(offset, stride)));
        }

        /** One past the last output position whose input is before the sequence's end (at least {@link #firstInside}). */
        private int endInside(int offset) {
            return Math.max(firstInside(offset), Math.min(outL, -Math.floorDiv(offset - l, stride)));
        }
    }
}
