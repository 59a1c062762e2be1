package dev.nabla.nn;

import dev.nabla.autograd.Autograd;
import dev.nabla.kernels.Gemm;
import dev.nabla.kernels.Gemms;
import dev.nabla.kernels.Parallel;
import dev.nabla.tensor.Tensor;

import java.util.Map;

/**
 * 2-D convolution over NCHW images ([batch, channels, height, width]) with a kernel stored as PyTorch's
 * [filters, channels, kh, kw]. Computed as one matrix product per batch: the input is unfolded (im2col) into
 * [channels * kh * kw, batch * outH * outW] columns and multiplied by the [filters, channels * kh * kw] kernel; the
 * backward pass uses the same columns for the kernel gradient and folds (col2im) the column gradient back onto the
 * input. Defaults as Keras: Glorot-uniform kernel, zero bias; {@link #pytorchStyle} matches PyTorch's init.
 *
 * <pre>{@code
 * Conv2D conv = new Conv2D(32, 3, 1, Padding.VALID, true, Activation.RELU);
 * Tensor y = conv.apply(Tensor.zeros(128, 1, 28, 28));   // [128, 32, 26, 26]
 * }</pre>
 */
public class Conv2D extends Layer {

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
        if (useBias) {
            int[] fans = Initializers.fans(shape);
            Initializer withKernelFans = new Initializer() {
                @Override
                public Tensor create(int[] s, int in, int out, dev.nabla.tensor.Rng rng) {
                    return biasInitializer.create(s, fans[0], fans[1], rng);
                }

                @Override
                public String name() {
                    return biasInitializer.name();
                }
            };
            bias = addWeight("bias", new int[] {filters}, withKernelFans, true);
        }
    }

    @Override
    protected Tensor forward(Tensor x) {
        int channels = kernel.dim(1);
        if (x.rank() != 4 || x.dim(1) != channels) throw shapeError("[batch, " + channels + ", height, width]", x.shape());
        Geometry g = Geometry.of(x.shape(), kernelSize, stride, padding);
        if (g.outH <= 0 || g.outW <= 0) {
            throw new IllegalArgumentException(name() + ": kernel " + kernelSize + " with stride " + stride + " does not fit input "
                    + dev.nabla.tensor.Shape.str(x.shape()));
        }
        if (activation == Activation.RELU) return convolve(x, kernel, bias, stride, padding, true);
        return activation.apply(convolve(x, kernel, bias, stride, padding, false));
    }

    /**
     * The differentiable convolution itself: x [n, c, h, w], kernel [f, c, k, k], bias [f] or null. The layer calls
     * it with its weights; tests call it with their own leaves.
     */
    static Tensor convolve(Tensor x, Tensor kernel, Tensor bias, int stride, Padding padding) {
        return convolve(x, kernel, bias, stride, padding, false);
    }

    /** With {@code relu}, the ReLU is applied in place and its mask folded into the backward pass (one op, no copies). */
    static Tensor convolve(Tensor x, Tensor kernel, Tensor bias, int stride, Padding padding, boolean relu) {
        int filters = kernel.dim(0), k = kernel.dim(2);
        Geometry g = Geometry.of(x.shape(), k, stride, padding);
        float[] cols = im2col(x.data(), g);
        int rows = g.c * k * k, pixels = g.n * g.outH * g.outW;
        float[] byFilter = new float[filters * pixels]; // [filters, batch * outH * outW]
        Gemms.get().sgemm(false, false, filters, pixels, rows, 1f, kernel.data(), 0, rows, cols, 0, pixels, 0f, byFilter, 0, pixels);
        float[] out = toBatchMajor(byFilter, g.n, filters, g.outH * g.outW, bias == null ? null : bias.data(), relu);
        Tensor y = Tensor.of(out, g.n, filters, g.outH, g.outW);
        Tensor[] inputs = bias != null ? new Tensor[] {x, kernel, bias} : new Tensor[] {x, kernel};
        return Autograd.record(relu ? "conv2d_relu" : "conv2d", y, (grad, need) -> backward(grad, need, cols, g, kernel, relu ? out : null), inputs);
    }

    /** {@code reluOutput}: the ReLU's output when fused (the gradient passes where it is positive), else null. */
    private static Tensor[] backward(Tensor grad, boolean[] need, float[] cols, Geometry g, Tensor k, float[] reluOutput) {
        int filters = k.dim(0), rows = g.c * g.k * g.k, plane = g.outH * g.outW, pixels = g.n * plane;
        float[] dByFilter = toFilterMajor(grad.data(), reluOutput, g.n, filters, plane);
        Gemm gemm = Gemms.get();
        Tensor[] grads = new Tensor[need.length];
        if (need[1]) {
            float[] dk = new float[filters * rows];
            gemm.sgemm(false, true, filters, rows, pixels, 1f, dByFilter, 0, pixels, cols, 0, pixels, 0f, dk, 0, rows);
            grads[1] = Tensor.of(dk, k.shape());
        }
        if (need.length > 2 && need[2]) {
            float[] db = new float[filters];
            for (int f = 0; f < filters; f++) {
                double s = 0;
                for (int i = f * pixels, end = i + pixels; i < end; i++) s += dByFilter[i];
                db[f] = (float) s;
            }
            grads[2] = Tensor.of(db, filters);
        }
        if (need[0]) {
            float[] dCols = new float[rows * pixels];
            gemm.sgemm(true, false, rows, pixels, filters, 1f, k.data(), 0, rows, dByFilter, 0, pixels, 0f, dCols, 0, pixels);
            grads[0] = Tensor.of(col2im(dCols, g), g.n, g.c, g.h, g.w);
        }
        return grads;
    }

    /** Output size and padding of one convolution or pooling window sweep. */
    record Geometry(int n, int c, int h, int w, int k, int stride, int padTop, int padLeft, int outH, int outW) {
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
    }

    /** Row (ch, ky, kx), column (n, oy, ox) = x[n, ch, oy*s + ky - padTop, ox*s + kx - padLeft] or 0 outside. */
    static float[] im2col(float[] x, Geometry g) {
        int k = g.k, plane = g.outH * g.outW, pixels = g.n * plane;
        float[] cols = new float[g.c * k * k * pixels];
        Parallel.forRange(g.c * k * k, 1, (from, to) -> {
            for (int row = from; row < to; row++) {
                int ch = row / (k * k), ky = row / k % k, kx = row % k;
                for (int n = 0; n < g.n; n++) {
                    int src = (n * g.c + ch) * g.h * g.w;
                    int dst = row * pixels + n * plane;
                    for (int oy = 0; oy < g.outH; oy++) {
                        int iy = oy * g.stride + ky - g.padTop;
                        int d = dst + oy * g.outW;
                        if (iy < 0 || iy >= g.h) continue; // stays 0
                        int rowStart = src + iy * g.w;
                        if (g.stride == 1 && g.padLeft == 0 && kx + g.outW <= g.w) {
                            System.arraycopy(x, rowStart + kx, cols, d, g.outW);
                            continue;
                        }
                        for (int ox = 0; ox < g.outW; ox++) {
                            int ix = ox * g.stride + kx - g.padLeft;
                            if (ix >= 0 && ix < g.w) cols[d + ox] = x[rowStart + ix];
                        }
                    }
                }
            }
        });
        return cols;
    }

    /** The adjoint of {@link #im2col}: adds each column entry back onto the input position it came from. */
    static float[] col2im(float[] cols, Geometry g) {
        int k = g.k, plane = g.outH * g.outW, pixels = g.n * plane;
        float[] dx = new float[g.n * g.c * g.h * g.w];
        // Parallel over channels: rows of one channel write only that channel's input plane.
        Parallel.forRange(g.c, 1, (from, to) -> {
            for (int ch = from; ch < to; ch++) {
                for (int kk = 0; kk < k * k; kk++) {
                    int row = ch * k * k + kk, ky = kk / k, kx = kk % k;
                    for (int n = 0; n < g.n; n++) {
                        int dst = (n * g.c + ch) * g.h * g.w;
                        int src = row * pixels + n * plane;
                        for (int oy = 0; oy < g.outH; oy++) {
                            int iy = oy * g.stride + ky - g.padTop;
                            if (iy < 0 || iy >= g.h) continue;
                            int rowStart = dst + iy * g.w, s = src + oy * g.outW;
                            for (int ox = 0; ox < g.outW; ox++) {
                                int ix = ox * g.stride + kx - g.padLeft;
                                if (ix >= 0 && ix < g.w) dx[rowStart + ix] += cols[s + ox];
                            }
                        }
                    }
                }
            }
        });
        return dx;
    }

    /** [filters, batch, plane] to [batch, filters, plane], adding the bias and applying the ReLU when asked. */
    private static float[] toBatchMajor(float[] byFilter, int n, int filters, int plane, float[] bias, boolean relu) {
        float[] out = new float[byFilter.length];
        float floor = relu ? 0f : Float.NEGATIVE_INFINITY;
        Parallel.forRange(n, 1, (from, to) -> {
            for (int b = from; b < to; b++) {
                for (int f = 0; f < filters; f++) {
                    int src = (f * n + b) * plane, dst = (b * filters + f) * plane;
                    float add = bias == null ? 0f : bias[f];
                    for (int i = 0; i < plane; i++) out[dst + i] = Math.max(byFilter[src + i] + add, floor);
                }
            }
        });
        return out;
    }

    /** [batch, filters, plane] to [filters, batch, plane]; with a ReLU output, zero where it was not positive. */
    private static float[] toFilterMajor(float[] batchMajor, float[] reluOutput, int n, int filters, int plane) {
        float[] out = new float[batchMajor.length];
        Parallel.forRange(n, 1, (from, to) -> {
            for (int b = from; b < to; b++) {
                for (int f = 0; f < filters; f++) {
                    int src = (b * filters + f) * plane, dst = (f * n + b) * plane;
                    if (reluOutput == null) {
                        System.arraycopy(batchMajor, src, out, dst, plane);
                    } else {
                        for (int i = 0; i < plane; i++) out[dst + i] = reluOutput[src + i] > 0f ? batchMajor[src + i] : 0f;
                    }
                }
            }
        });
        return out;
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
