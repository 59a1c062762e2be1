package dev.nabla.nn;

import dev.nabla.tensor.Shape;
import dev.nabla.tensor.Tensor;

import java.util.Arrays;
import java.util.Map;

/**
 * 1-D convolution over sequences laid out as PyTorch's {@code nn.Conv1d}: input [batch, channels, length], kernel
 * [filters, channels, k], bias [filters]; output [batch, filters, outLength]. Output position o reads input positions
 * {@code o * stride + j * dilation - padLeft} for j in [0, k). Padding is VALID (none), an explicit number of zeros on
 * each side (PyTorch's {@code padding=p}), or SAME as Keras / TensorFlow: outLength = ceil(length / stride), with
 * total padding {@code max((outLength - 1) * stride + (k - 1) * dilation + 1 - length, 0)}, the smaller half on the
 * left (for stride 1 this is PyTorch's {@code padding='same'}, which refuses larger strides).
 *
 * <p>Computed as Conv2D is, one matrix product per sequence ({@link Conv2D#convolution}): each sequence is unfolded
 * into [channels * k, outLength] columns and multiplied by the [filters, channels * k] kernel; a ReLU is fused into
 * the op. Defaults as Keras: Glorot-uniform kernel, zero bias; {@link #pytorchStyle} matches PyTorch's init.
 *
 * <pre>{@code
 * Conv1D conv = new Conv1D(16, 5, 1, Padding.SAME, 1, true, Activation.RELU);
 * Tensor y = conv.apply(Tensor.zeros(8, 3, 100));   // [8, 16, 100]
 * }</pre>
 */
public class Conv1D extends Layer {

    /** The padding amount that stands for SAME. */
    private static final int SAME = -1;

    private final int filters;
    private final int kernelSize;
    private final int stride;
    private final int padding;
    private final int dilation;
    private final boolean useBias;
    private final Activation activation;
    private final Initializer kernelInitializer;
    private final Initializer biasInitializer;
    private Tensor kernel;
    private Tensor bias;

    public Conv1D(int filters, int kernelSize) {
        this(filters, kernelSize, 1, Padding.VALID, 1, true, Activation.LINEAR);
    }

    public Conv1D(int filters, int kernelSize, int stride, Padding padding, int dilation, boolean useBias, Activation activation) {
        this(null, filters, kernelSize, stride, amount(padding), dilation, useBias, activation, Initializers.glorotUniform(), Initializers.zeros());
    }

    /** With {@code padding} zeros on each side, as PyTorch's {@code padding=p}. */
    public Conv1D(int filters, int kernelSize, int stride, int padding, int dilation, boolean useBias, Activation activation) {
        this(null, filters, kernelSize, stride, checkedPadding(padding), dilation, useBias, activation, Initializers.glorotUniform(), Initializers.zeros());
    }

    /** @param padding zeros on each side, or -1 for SAME */
    public Conv1D(String name, int filters, int kernelSize, int stride, int padding, int dilation, boolean useBias, Activation activation,
                  Initializer kernelInitializer, Initializer biasInitializer) {
        super(name);
        if (filters <= 0 || kernelSize <= 0 || stride <= 0 || dilation <= 0) {
            throw new IllegalArgumentException(name() + ": filters, kernel size, stride and dilation must be positive, got "
                    + filters + ", " + kernelSize + ", " + stride + ", " + dilation);
        }
        if (padding < SAME) throw new IllegalArgumentException(name() + ": padding must be at least 0 (or SAME), got " + padding);
        this.filters = filters;
        this.kernelSize = kernelSize;
        this.stride = stride;
        this.padding = padding;
        this.dilation = dilation;
        this.useBias = useBias;
        this.activation = activation == null ? Activation.LINEAR : activation;
        this.kernelInitializer = kernelInitializer;
        this.biasInitializer = biasInitializer;
    }

    /** Initialised as PyTorch's {@code nn.Conv1d}: kernel and bias U(+-1/sqrt(channels * k)); padding as given. */
    public static Conv1D pytorchStyle(int filters, int kernelSize, int stride, int padding, int dilation, Activation activation) {
        return new Conv1D(null, filters, kernelSize, stride, checkedPadding(padding), dilation, true, activation,
                Initializers.pytorchDefault(), Initializers.pytorchDefault());
    }

    private static int amount(Padding padding) {
        return padding == Padding.SAME ? SAME : 0;
    }

    private static int checkedPadding(int padding) {
        if (padding < 0) throw new IllegalArgumentException("Conv1D: padding must be at least 0, got " + padding + " (use Padding.SAME for SAME)");
        return padding;
    }

    @Override
    protected void build(int[] inputShape) {
        if (inputShape.length != 3) throw shapeError("[batch, channels, length]", inputShape);
        int[] shape = {filters, inputShape[1], kernelSize};
        kernel = addWeight("kernel", shape, kernelInitializer, true);
        if (useBias) bias = addWeight("bias", new int[] {filters}, Conv2D.withFans(biasInitializer, Initializers.fans(shape)), true);
    }

    @Override
    protected Tensor forward(Tensor x) {
        Geometry g = checkedGeometry(x);
        boolean relu = activation == Activation.RELU;
        Tensor y = Conv2D.convolution("conv1d", x, kernel, bias, g, new int[] {g.n, filters, g.outL}, relu);
        return relu ? y : activation.apply(y);
    }

    private Geometry checkedGeometry(Tensor x) {
        int channels = kernel.dim(1);
        if (x.rank() != 3 || x.dim(1) != channels) throw shapeError("[batch, " + channels + ", length]", x.shape());
        Geometry g = Geometry.of(x.shape(), kernelSize, stride, padding, dilation);
        if (g.outL <= 0) {
            throw new IllegalArgumentException(name() + ": kernel " + kernelSize + " with dilation " + dilation + " and padding "
                    + paddingName() + " does not fit input " + Shape.str(x.shape()));
        }
        return g;
    }

    /**
     * The differentiable convolution itself: x [n, c, l], kernel [f, c, k], bias [f] or null; {@code padding} zeros on
     * each side or -1 for SAME. The layer calls it with its weights; tests call it with their own leaves.
     */
    static Tensor convolve(Tensor x, Tensor kernel, Tensor bias, int stride, int padding, int dilation) {
        Geometry g = Geometry.of(x.shape(), kernel.dim(2), stride, padding, dilation);
        return Conv2D.convolution("conv1d", x, kernel, bias, g, new int[] {g.n, kernel.dim(0), g.outL}, false);
    }

    /** One sequence sweep: sizes, the zeros added on the left, and the output length. */
    record Geometry(int n, int c, int l, int k, int stride, int dilation, int padLeft, int outL) implements Conv2D.Unfolding {
        static Geometry of(int[] s, int k, int stride, int padding, int dilation) {
            int l = s[2], span = (k - 1) * dilation + 1, outL, padLeft;
            if (padding == SAME) {
                outL = (l + stride - 1) / stride;
                padLeft = Math.max((outL - 1) * stride + span - l, 0) / 2;
            } else {
                int padded = l + 2 * padding;
                outL = padded >= span ? (padded - span) / stride + 1 : 0;
                padLeft = padding;
            }
            return new Geometry(s[0], s[1], l, k, stride, dilation, padLeft, outL);
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

    private String paddingName() {
        return padding == SAME ? "same" : padding == 0 ? "valid" : String.valueOf(padding);
    }

    public Activation activation() {
        return activation;
    }

    public Tensor kernel() {
        return kernel;
    }

    public Tensor bias() {
        return bias;
    }

    public int stride() {
        return stride;
    }

    public int dilation() {
        return dilation;
    }

    /** Zeros on each side, or -1 for SAME. */
    public int padding() {
        return padding;
    }

    /** The zeros this layer adds on the left and on the right of a sequence of {@code length} (as ONNX's pads need). */
    public int[] pads(int length) {
        Geometry g = Geometry.of(new int[] {1, 1, length}, kernelSize, stride, padding, dilation);
        int right = (g.outL - 1) * stride + (kernelSize - 1) * dilation + 1 - length - g.padLeft;
        return new int[] {g.padLeft, padding == SAME ? Math.max(right, 0) : padding};
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("filters", filters);
        c.put("kernel_size", kernelSize);
        c.put("stride", stride);
        c.put("padding", padding == SAME ? "same" : padding == 0 ? (Object) "valid" : (Object) padding);
        c.put("dilation", dilation);
        c.put("use_bias", useBias);
        c.put("activation", activation.configName());
        c.put("kernel_initializer", kernelInitializer.config());
        c.put("bias_initializer", biasInitializer.config());
        return c;
    }
}
