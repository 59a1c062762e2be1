package dev.nabla.nn;

import dev.nabla.autograd.Autograd;
import dev.nabla.kernels.Elementwise;
import dev.nabla.kernels.Gemm;
import dev.nabla.kernels.Gemms;
import dev.nabla.kernels.Parallel;
import dev.nabla.kernels.Reduce;
import dev.nabla.tensor.Tensor;

import java.util.Arrays;
import java.util.Map;

/**
 * 2-D convolution over NCHW images ([batch, channels, height, width]) with a kernel stored as PyTorch's
 * [filters, channels, kh, kw]. Computed as one matrix product per image: the image is unfolded (im2col) into
 * [channels * kh * kw, outH * outW] columns and multiplied by the [filters, channels * kh * kw] kernel; the
 * backward pass unfolds each image again for the kernel gradient and folds (col2im) the column gradient back onto
 * the input. In a model, a ReLU convolution whose output goes only to a {@code MaxPool2D(2, 2)} runs with it as
 * one op ({@link Fusions}). Defaults as Keras: Glorot-uniform kernel, zero bias; {@link #pytorchStyle} matches
 * PyTorch's init.
 *
 * <pre>{@code
 * Conv2D conv = new Conv2D(32, 3, 1, Padding.VALID, true, Activation.RELU);
 * Tensor y = conv.apply(Tensor.zeros(128, 1, 28, 28));   // [128, 32, 26, 26]
 * }</pre>
 */
public class Conv2D extends Layer {

    /** The backward pass cuts the batch into this many chunks whatever the thread count. */
    private static final int KERNEL_GRADIENT_CHUNKS = 8;

    private final int filters;
    private final int kernelSize;
    private final int stride;
    private final Padding padding;
    private final boolean useBias;
    private final Activation activation;
    private final Initializer kernelInitializer;
    private final Initializer biasInitializer;
    private Tensor kernel;
    private Tensor bias;

    public Conv2D(int filters, int kernelSize) {
        this(filters, kernelSize, 1, Padding.VALID, true, Activation.LINEAR);
    }

    public Conv2D(int filters, int kernelSize, int stride, Padding padding, boolean useBias, Activation activation) {
        this(null, filters, kernelSize, stride, padding, useBias, activation, Initializers.glorotUniform(), Initializers.zeros());
    }

    public Conv2D(String name, int filters, int kernelSize, int stride, Padding padding, boolean useBias, Activation activation,
                  Initializer kernelInitializer, Initializer biasInitializer) {
        super(name);
        if (filters <= 0 || kernelSize <= 0 || stride <= 0) {
            throw new IllegalArgumentException("Conv2D: filters, kernel size and stride must be positive, got " + filters + ", " + kernelSize + ", " + stride);
        }
        this.filters = filters;
        this.kernelSize = kernelSize;
        this.stride = stride;
        this.padding = padding;
        this.useBias = useBias;
        this.activation = activation == null ? Activation.LINEAR : activation;
        this.kernelInitializer = kernelInitializer;
        this.biasInitializer = biasInitializer;
    }

    /** Initialised as PyTorch's {@code nn.Conv2d}: kernel and bias U(+-1/sqrt(channels * k * k)). */
    public static Conv2D pytorchStyle(int filters, int kernelSize, int stride, Padding padding, Activation activation) {
        return new Conv2D(null, filters, kernelSize, stride, padding, true, activation, Initializers.pytorchDefault(), Initializers.pytorchDefault());
    }

    @Override
    protected void build(int[] inputShape) {
        if (inputShape.length != 4) throw shapeError("[batch, channels, height, width]", inputShape);
        int[] shape = {filters, inputShape[1], kernelSize, kernelSize};
        kernel = addWeight("kernel", shape, kernelInitializer, true);
        if (useBias) bias = addWeight("bias", new int[] {filters}, withFans(biasInitializer, Initializers.fans(shape)), true);
    }

    /** {@code init} drawing with the given fans whatever the weight's shape: a bias initialised with its kernel's. */
    static Initializer withFans(Initializer init, int[] fans) {
        return new Initializer() {
            @Override
            public Tensor create(int[] s, int in, int out, dev.nabla.tensor.Rng rng) {
                return init.create(s, fans[0], fans[1], rng);
            }

            @Override
            public String name() {
                return init.name();
            }
        };
    }

    @Override
    protected Tensor forward(Tensor x) {
        checkedGeometry(x);
        if (activation == Activation.RELU) return convolve(x, kernel, bias, stride, padding, true);
        return activation.apply(convolve(x, kernel, bias, stride, padding, false));
    }

    /** The output geometry for input x, after checking that x is [batch, channels, height, width] and the kernel fits. */
    private Geometry checkedGeometry(Tensor x) {
        int channels = kernel.dim(1);
        if (x.rank() != 4 || x.dim(1) != channels) throw shapeError("[batch, " + channels + ", height, width]", x.shape());
        Geometry g = Geometry.of(x.shape(), kernelSize, stride, padding);
        if (g.outH <= 0 || g.outW <= 0) {
            throw new IllegalArgumentException(name() + ": kernel " + kernelSize + " with stride " + stride + " does not fit input "
                    + dev.nabla.tensor.Shape.str(x.shape()));
        }
        return g;
    }

    /**
     * The differentiable convolution itself: x [n, c, h, w], kernel [f, c, k, k], bias [f] or null. The layer calls
     * it with its weights; tests call it with their own leaves.
     */
    static Tensor convolve(Tensor x, Tensor kernel, Tensor bias, int stride, Padding padding) {
        return convolve(x, kernel, bias, stride, padding, false);
    }

    /**
     * With {@code relu}, the ReLU is applied in place and its mask folded into the backward pass (one op, no copies).
     * Computed image by image ({@link #convolveSamples}).
     */
    static Tensor convolve(Tensor x, Tensor kernel, Tensor bias, int stride, Padding padding, boolean relu) {
        Geometry g = Geometry.of(x.shape(), kernel.dim(2), stride, padding);
        return convolution("conv2d", x, kernel, bias, g, new int[] {g.n, kernel.dim(0), g.outH, g.outW}, relu);
    }

    /**
     * The differentiable convolution of any {@link Unfolding}, as the op {@code op} (or {@code op_relu}): the output
     * of {@link #convolveSamples} as a tensor of {@code outShape}, and its backward pass.
     */
    static Tensor convolution(String op, Tensor x, Tensor kernel, Tensor bias, Unfolding u, int[] outShape, boolean relu) {
        int image = kernel.dim(0) * u.columns();
        float[] in = x.data();
        float[] out = convolveSamples(in, u, kernel, bias, relu);
        Tensor y = Tensor.of(out, outShape);
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
     * How a convolution turns each sample of its input into the columns of one matrix product (im2col) and folds a
     * column gradient back (col2im): {@link Geometry} for images, {@link Conv1D}'s for sequences. The products, the
     * bias, the fused ReLU and the backward pass are then shared.
     */
    interface Unfolding {
        int samples();

        /** Rows of a sample's column matrix: input channels times kernel positions (the kernel's row length). */
        int rows();

        /** Columns: the output positions of one sample. */
        int columns();

        /** The input's shape, batch first. */
        int[] inputShape();

        /** Writes sample n's [rows, columns] matrix into {@code cols}, overwriting every entry. */
        void im2col(float[] x, int n, float[] cols);

        /** The adjoint of {@link #im2col}: adds sample n's column gradient onto {@code dx}. */
        void col2im(float[] cols, int n, float[] dx);
    }

    /**
     * Sample by sample, kernel [filters, rows] times the sample's columns, plus the bias (then the ReLU when asked):
     * the output [samples, filters, columns]. Each sample's columns fit in cache and its product lands directly in
     * channels-first order, so no batch-sized column matrix or layout copy is ever allocated.
     */
    static float[] convolveSamples(float[] in, Unfolding u, Tensor kernel, Tensor bias, boolean relu) {
        int filters = kernel.dim(0), rows = u.rows(), plane = u.columns(), image = filters * plane;
        float[] w = kernel.data(), b = bias == null ? null : bias.data();
        float[] out = new float[u.samples() * image];
        Gemm gemm = Gemms.get();
        Parallel.forRange(u.samples(), 1, (from, to) -> {
            float[] cols = new float[rows * plane];
            for (int n = from; n < to; n++) {
                u.im2col(in, n, cols);
                gemm.sgemm(false, false, filters, plane, rows, 1f, w, 0, rows, cols, 0, plane, 0f, out, n * image, plane);
                addBias(out, n * image, filters, plane, b, relu);
            }
        });
        return out;
    }

    /** Writes sample n's gradient with respect to the convolution's output ([filters, columns]) into {@code d}. */
    @FunctionalInterface
    private interface ImageGradient {
        void fill(int n, float[] d);
    }

    /**
     * {@code maxPool2x2(relu(convolve(x)))} as one op, image by image: each image's convolution output lives only in
     * a per-thread buffer, so the batch-sized output that the separate layers write, read, and later take apart
     * again for the gradient (11 MB per step in W5's first layer, three times over) is never stored. What is kept
     * instead is the pooled output and which corner of each window won. Values and gradients are exactly those of
     * the two layers in turn; a window whose maximum is not positive passes no gradient (the ReLU's mask).
     */
    static Tensor convolveReluMaxPool(Tensor x, Tensor kernel, Tensor bias, int stride, Padding padding) {
        int filters = kernel.dim(0), k = kernel.dim(2);
        Geometry g = Geometry.of(x.shape(), k, stride, padding);
        int rows = g.c * k * k, plane = g.outH * g.outW, ph = g.outH / 2, pw = g.outW / 2, pooled = ph * pw;
        float[] in = x.data(), w = kernel.data(), b = bias == null ? null : bias.data();
        float[] out = new float[g.n * filters * pooled];
        byte[] corners = new byte[out.length];
        Gemm gemm = Gemms.get();
        Parallel.forRange(g.n, 1, (from, to) -> {
            float[] cols = new float[rows * plane], conv = new float[filters * plane];
            for (int n = from; n < to; n++) {
                im2col(in, g, n, cols);
                gemm.sgemm(false, false, filters, plane, rows, 1f, w, 0, rows, cols, 0, plane, 0f, conv, 0, plane);
                addBias(conv, 0, filters, plane, b, true);
                for (int f = 0; f < filters; f++) {
                    Pool2D.maxPool2x2(conv, f * plane, g.outW, ph, pw, out, (n * filters + f) * pooled, corners);
                }
            }
        });
        Tensor y = Tensor.of(out, g.n, filters, ph, pw);
        Tensor[] inputs = bias != null ? new Tensor[] {x, kernel, bias} : new Tensor[] {x, kernel};
        return Autograd.record("conv2d_relu_maxpool2d", () -> "each window's gradient goes to its winning position if the"
                + " maximum was positive (or NaN), then as conv2d", y, (grad, need) -> {
            float[] dy = grad.data();
            return backward(need, in, g, kernel, (n, d) -> {
                Arrays.fill(d, 0f);
                for (int f = 0; f < filters; f++) {
                    for (int py = 0; py < ph; py++) {
                        for (int px = 0; px < pw; px++) {
                            int o = (n * filters + f) * pooled + py * pw + px;
                            // Written whether or not the maximum was positive (then as 0): a branch here is unpredictable.
                            int corner = corners[o];
                            d[f * plane + (2 * py + (corner >> 1)) * g.outW + 2 * px + (corner & 1)] = Elementwise.reluGradientFromOutput(out[o], dy[o]);
                        }
                    }
                }
            });
        }, inputs);
    }

    /**
     * {@code pool.apply(apply(x))} as one op ({@link #convolveReluMaxPool}) for a ReLU convolution and a 2x2,
     * stride-2 max pooling, as {@link Fusions} decides; the layers in turn when the output is smaller than 2x2.
     */
    Tensor applyReluMaxPool(MaxPool2D pool, Tensor x) {
        if (!isBuilt()) buildFor(x.shape());
        Geometry g = checkedGeometry(x);
        if (g.outH < 2 || g.outW < 2) return pool.apply(forward(x)); // the pooling layer's own error says why
        pool.buildFor(g.n, filters, g.outH, g.outW);
        return convolveReluMaxPool(x, kernel, bias, stride, padding);
    }

    public Activation activation() {
        return activation;
    }

    /** Adds the bias to one image's [filters, plane] output and applies the ReLU when asked. */
    private static void addBias(float[] out, int offset, int filters, int plane, float[] bias, boolean relu) {
        if (bias == null && !relu) return;
        float floor = relu ? 0f : Float.NEGATIVE_INFINITY;
        for (int f = 0; f < filters; f++) {
            float add = bias == null ? 0f : bias[f];
            for (int i = offset + f * plane, end = i + plane; i < end; i++) out[i] = Math.max(out[i] + add, floor);
        }
    }

    /**
     * Image by image again: the kernel gradient sums dY_n * cols_n^T over the images of a chunk, the input gradient
     * folds K^T * dY_n back onto image n. Chunks are a fixed number of images (not one per thread) and their partial
     * sums are added in chunk order, so the result does not depend on the thread count. {@code source} gives each
     * image's gradient with respect to the convolution's output (before any fused ReLU or pooling).
     */
    private static Tensor[] backward(boolean[] need, float[] in, Unfolding u, Tensor k, ImageGradient source) {
        int filters = k.dim(0), rows = u.rows(), plane = u.columns(), image = filters * plane, samples = u.samples();
        boolean needKernel = need[1], needBias = need.length > 2 && need[2], needInput = need[0];
        float[] w = k.data();
        float[] dx = needInput ? new float[dev.nabla.tensor.Shape.size(u.inputShape())] : null;
        int chunk = Math.max(1, (samples + KERNEL_GRADIENT_CHUNKS - 1) / KERNEL_GRADIENT_CHUNKS);
        int chunks = (samples + chunk - 1) / chunk;
        float[][] dkParts = new float[chunks][];
        double[][] dbParts = new double[chunks][];
        Gemm gemm = Gemms.get();
        Parallel.forEachChunk(samples, chunk, (from, to) -> {
            float[] d = new float[image];
            float[] cols = needKernel ? new float[rows * plane] : null;
            float[] dCols = needInput ? new float[rows * plane] : null;
            float[] dk = needKernel ? new float[filters * rows] : null;
            double[] db = needBias ? new double[filters] : null;
            for (int n = from; n < to; n++) {
                source.fill(n, d);
                if (needBias) for (int f = 0; f < filters; f++) db[f] += Reduce.sum(d, f * plane, plane);
                if (needKernel) {
                    u.im2col(in, n, cols);
                    gemm.sgemm(false, true, filters, rows, plane, 1f, d, 0, plane, cols, 0, plane, 1f, dk, 0, rows);
                }
                if (needInput) {
                    gemm.sgemm(true, false, rows, plane, filters, 1f, w, 0, rows, d, 0, plane, 0f, dCols, 0, plane);
                    u.col2im(dCols, n, dx);
                }
            }
            dkParts[from / chunk] = dk;
            dbParts[from / chunk] = db;
        });
        Tensor[] grads = new Tensor[need.length];
        if (needInput) grads[0] = Tensor.of(dx, u.inputShape());
        if (needKernel) {
            float[] dk = dkParts[0];
            for (int p = 1; p < chunks; p++) for (int i = 0; i < dk.length; i++) dk[i] += dkParts[p][i];
            grads[1] = Tensor.of(dk, k.shape());
        }
        if (needBias) {
            float[] db = new float[filters];
            for (int f = 0; f < filters; f++) {
                double s = 0;
                for (double[] part : dbParts) s += part[f];
                db[f] = (float) s;
            }
            grads[2] = Tensor.of(db, filters);
        }
        return grads;
    }

    /** Output size and padding of one convolution or pooling window sweep. */
    record Geometry(int n, int c, int h, int w, int k, int stride, int padTop, int padLeft, int outH, int outW) implements Unfolding {
        static Geometry of(int[] s, int k, int stride, Padding padding) {
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
            return new Geometry(s[0], s[1], h, w, k, stride, padTop, padLeft, outH, outW);
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
        public void im2col(float[] x, int sample, float[] cols) {
            Conv2D.im2col(x, this, sample, cols);
        }

        @Override
        public void col2im(float[] cols, int sample, float[] dx) {
            Conv2D.col2im(cols, this, sample, dx);
        }

        /** The first output column ox whose input column ox*stride + kx - padLeft is inside the image. */
        int firstInside(int kx) {
            return Math.min(outW, Math.max(0, ceilDiv(padLeft - kx, stride)));
        }

        /** One past the last output column whose input column is inside the image (at least {@link #firstInside}). */
        int endInside(int kx) {
            return Math.max(firstInside(kx), Math.min(outW, ceilDiv(w + padLeft - kx, stride)));
        }
    }

    /**
     * Unfolds image {@code n} of x into {@code cols} [channels * k * k, outH * outW]: row (ch, ky, kx), column
     * (oy, ox) = x[n, ch, oy*s + ky - padTop, ox*s + kx - padLeft], or 0 outside the image. Overwrites every entry.
     */
    static void im2col(float[] x, Geometry g, int n, float[] cols) {
        int k = g.k, plane = g.outH * g.outW;
        for (int row = 0; row < g.c * k * k; row++) {
            int ch = row / (k * k), ky = row / k % k, kx = row % k;
            int src = (n * g.c + ch) * g.h * g.w;
            int lo = g.firstInside(kx), hi = g.endInside(kx);
            for (int oy = 0; oy < g.outH; oy++) {
                int iy = oy * g.stride + ky - g.padTop;
                int d = row * plane + oy * g.outW;
                if (iy < 0 || iy >= g.h) {
                    Arrays.fill(cols, d, d + g.outW, 0f);
                    continue;
                }
                int rowStart = src + iy * g.w + kx - g.padLeft;
                for (int ox = 0; ox < lo; ox++) cols[d + ox] = 0f;
                if (g.stride == 1) {
                    System.arraycopy(x, rowStart + lo, cols, d + lo, hi - lo);
                } else {
                    for (int ox = lo; ox < hi; ox++) cols[d + ox] = x[rowStart + ox * g.stride];
                }
                for (int ox = hi; ox < g.outW; ox++) cols[d + ox] = 0f;
            }
        }
    }

    /** The adjoint of {@link #im2col}: adds each column entry of image {@code n} back onto the input position it came from. */
    static void col2im(float[] cols, Geometry g, int n, float[] dx) {
        int k = g.k, plane = g.outH * g.outW;
        for (int row = 0; row < g.c * k * k; row++) {
            int ch = row / (k * k), ky = row / k % k, kx = row % k;
            int dst = (n * g.c + ch) * g.h * g.w;
            int lo = g.firstInside(kx), hi = g.endInside(kx);
            for (int oy = 0; oy < g.outH; oy++) {
                int iy = oy * g.stride + ky - g.padTop;
                if (iy < 0 || iy >= g.h) continue;
                int rowStart = dst + iy * g.w + kx - g.padLeft, s = row * plane + oy * g.outW;
                for (int ox = lo; ox < hi; ox++) dx[rowStart + ox * g.stride] += cols[s + ox];
            }
        }
    }

    private static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }

    public Tensor kernel() {
        return kernel;
    }

    public Tensor bias() {
        return bias;
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("filters", filters);
        c.put("kernel_size", kernelSize);
        c.put("stride", stride);
        c.put("padding", padding.name().toLowerCase(java.util.Locale.ROOT));
        c.put("use_bias", useBias);
        c.put("activation", activation.configName());
        c.put("kernel_initializer", kernelInitializer.config());
        c.put("bias_initializer", biasInitializer.config());
        return c;
    }
}
