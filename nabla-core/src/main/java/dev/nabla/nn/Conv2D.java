package dev.nabla.nn;

import dev.nabla.tensor.Tensor;

import java.util.Map;

/**
 * 2-D convolution over NCHW images ([batch, channels, height, width]) with a kernel stored as PyTorch's
 * [filters, channels, kh, kw]; the layer holds the weights and checks shapes, the op is {@link Convolution} (one
 * matrix product per image, with a ReLU inside the op). In a model, a ReLU convolution whose output goes only to a
 * {@code MaxPool2D(2, 2)} runs with it as one op ({@link Fusions}, {@link ConvReluMaxPool}). Defaults as Keras:
 * Glorot-uniform kernel, zero bias; {@link #pytorchStyle} matches PyTorch's init.
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
        boolean relu = activation == Activation.RELU;
        Tensor y = Convolution.apply("conv2d", x, kernel, bias, checkedGeometry(x), relu);
        return relu ? y : activation.apply(y);
    }

    /** The output geometry for input x, after checking that x is [batch, channels, height, width] and the kernel fits. */
    Convolution.Images checkedGeometry(Tensor x) {
        int channels = kernel.dim(1);
        if (x.rank() != 4 || x.dim(1) != channels) throw shapeError("[batch, " + channels + ", height, width]", x.shape());
        Convolution.Images g = Convolution.Images.of(x.shape(), kernelSize, stride, padding);
        if (g.outH() <= 0 || g.outW() <= 0) {
            throw new IllegalArgumentException(name() + ": kernel " + kernelSize + " with stride " + stride + " does not fit input "
                    + dev.nabla.tensor.Shape.str(x.shape()));
        }
        return g;
    }

    public Activation activation() {
        return activation;
    }

    public int stride() {
        return stride;
    }

    public Padding padding() {
        return padding;
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
