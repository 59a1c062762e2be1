package dev.nabla.nn;

import dev.nabla.tensor.Shape;
import dev.nabla.tensor.Tensor;

import java.util.Map;

/**
 * 1-D convolution over sequences laid out as PyTorch's {@code nn.Conv1d}: input [batch, channels, length], kernel
 * [filters, channels, k], bias [filters]; output [batch, filters, outLength]. Output position o reads input positions
 * {@code o * stride + j * dilation - padLeft} for j in [0, k). Padding is VALID (none), an explicit number of zeros on
 * each side (PyTorch's {@code padding=p}), or SAME as Keras / TensorFlow: outLength = ceil(length / stride), with
 * total padding {@code max((outLength - 1) * stride + (k - 1) * dilation + 1 - length, 0)}, the smaller half on the
 * left (for stride 1 this is PyTorch's {@code padding='same'}, which refuses larger strides).
 *
 * <p>The layer holds the weights and checks shapes; the op is {@link Convolution}, as for Conv2D: one matrix product
 * per sequence, with a ReLU inside the op. Defaults as Keras: Glorot-uniform kernel, zero bias; {@link #pytorchStyle}
 * matches PyTorch's init.
 *
 * <pre>{@code
 * Conv1D conv = new Conv1D(16, 5, 1, Padding.SAME, 1, true, Activation.RELU);
 * Tensor y = conv.apply(Tensor.zeros(8, 3, 100));   // [8, 16, 100]
 * }</pre>
 */
public class Conv1D extends Layer {

    /** The padding amount that stands for SAME. */
    private static final int SAME = Convolution.Sequences.SAME;

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
        boolean relu = activation == Activation.RELU;
        Tensor y = Convolution.apply("conv1d", x, kernel, bias, checkedGeometry(x), relu);
        return relu ? y : activation.apply(y);
    }

    private Convolution.Sequences checkedGeometry(Tensor x) {
        int channels = kernel.dim(1);
        if (x.rank() != 3 || x.dim(1) != channels) throw shapeError("[batch, " + channels + ", length]", x.shape());
        Convolution.Sequences g = Convolution.Sequences.of(x.shape(), kernelSize, stride, padding, dilation);
        if (g.outL() <= 0) {
            throw new IllegalArgumentException(name() + ": kernel " + kernelSize + " with dilation " + dilation + " and padding "
                    + paddingName() + " does not fit input " + Shape.str(x.shape()));
        }
        return g;
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
        Convolution.Sequences g = Convolution.Sequences.of(new int[] {1, 1, length}, kernelSize, stride, padding, dilation);
        int right = (g.outL() - 1) * stride + (kernelSize - 1) * dilation + 1 - length - g.padLeft();
        return new int[] {g.padLeft(), padding == SAME ? Math.max(right, 0) : padding};
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
