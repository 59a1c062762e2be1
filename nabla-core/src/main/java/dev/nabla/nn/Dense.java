package dev.nabla.nn;

import dev.nabla.tensor.Shape;
import dev.nabla.tensor.Tensor;

import java.util.Map;

/**
 * A fully connected layer, {@code y = activation(x @ kernel + bias)}, with the kernel stored {@code [in, out]} as in
 * Keras. The input size is taken from the last axis of the first input. Defaults follow Keras: Glorot-uniform
 * kernel, zero bias.
 *
 * <pre>{@code
 * Dense hidden = Dense.of(32, Activation.RELU);
 * Tensor h = hidden.apply(Tensor.ones(8, 4));   // [8, 32]; the kernel is [4, 32]
 * }</pre>
 */
public class Dense extends Layer {

    private final int units;
    private final Activation activation;
    private final Initializer kernelInitializer;
    private final Initializer biasInitializer;
    private final boolean useBias;
    private Tensor kernel;
    private Tensor bias;

    public Dense(int units) {
        this(units, Activation.LINEAR);
    }

    public Dense(int units, Activation activation) {
        this(null, units, activation, Initializers.glorotUniform(), Initializers.zeros(), true);
    }

    public Dense(String name, int units, Activation activation, Initializer kernelInitializer,
                 Initializer biasInitializer, boolean useBias) {
        super(name);
        if (units <= 0) throw new IllegalArgumentException("Dense: units must be positive, got " + units);
        this.units = units;
        this.activation = activation == null ? Activation.LINEAR : activation;
        this.kernelInitializer = kernelInitializer;
        this.biasInitializer = biasInitializer;
        this.useBias = useBias;
    }

    public static Dense of(int units) {
        return new Dense(units);
    }

    public static Dense of(int units, Activation activation) {
        return new Dense(units, activation);
    }

    /** A Dense layer initialised as PyTorch's {@code nn.Linear}: weights and bias U(+-1/sqrt(fanIn)). */
    public static Dense pytorchStyle(int units, Activation activation) {
        return new Dense(null, units, activation, Initializers.pytorchDefault(), Initializers.pytorchDefault(), true);
    }

    @Override
    protected void build(int[] inputShape) {
        if (inputShape.length < 2) throw shapeError("[*, features]", inputShape);
        int in = inputShape[inputShape.length - 1];
        kernel = addWeight("kernel", new int[] {in, units}, kernelInitializer, true);
        if (useBias) {
            // The bias initializer sees the kernel's fans (PyTorch's default bias bound is 1/sqrt(fanIn)).
            int[] fans = Initializers.fans(new int[] {in, units});
            bias = addBias(fans[0], fans[1]);
        }
    }

    private Tensor addBias(int fanIn, int fanOut) {
        Initializer withKernelFans = new Initializer() {
            @Override
            public Tensor create(int[] shape, int ignoredIn, int ignoredOut, dev.nabla.tensor.Rng rng) {
                return biasInitializer.create(shape, fanIn, fanOut, rng);
            }

            @Override
            public String name() {
                return biasInitializer.name();
            }
        };
        return addWeight("bias", new int[] {units}, withKernelFans, true);
    }

    /** Works on each step alone, so a padding mask passes through (see {@link Masks}). */
    @Override
    public boolean propagatesMask() {
        return true;
    }

    @Override
    protected Tensor forward(Tensor x) {
        return forward(x, activation);
    }

    /**
     * {@code act(x @ kernel + bias)}: for [batch, in] inputs one {@link Affine} op, which takes the activation in
     * when {@link Fusions} says so.
     */
    private Tensor forward(Tensor x, Activation act) {
        int[] s = x.shape();
        int in = kernel.shape()[0];
        if (s.length < 2 || s[s.length - 1] != in) throw shapeError("[*, " + in + "]", s);
        if (s.length == 2) {
            boolean fuse = Fusions.fusesIntoAffine(act);
            Tensor z = Affine.apply(x, kernel, bias, fuse);
            return fuse ? z : act.apply(z);
        }
        Tensor y = x.matmul(kernel);
        if (useBias) y = y.add(bias);
        return act.apply(y);
    }

    /**
     * {@code next.apply(apply(x))} for a linear Dense layer and the activation layer after it, with the activation as
     * if it were this layer's own, as {@link Fusions} decides.
     */
    Tensor applyThen(ActivationLayer next, Tensor x) {
        if (!isBuilt()) buildFor(x.shape());
        Tensor y = forward(x, next.activation());
        if (!next.isBuilt()) next.buildFor(y.shape());
        return y;
    }

    public int units() {
        return units;
    }

    public Activation activation() {
        return activation;
    }

    /** The kernel, {@code [in, units]}; null before the layer is built. */
    public Tensor kernel() {
        return kernel;
    }

    /** The bias, {@code [units]}; null before build or without bias. */
    public Tensor bias() {
        return bias;
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("units", units);
        c.put("activation", activation.configName());
        c.put("kernel_initializer", kernelInitializer.config());
        c.put("bias_initializer", biasInitializer.config());
        c.put("use_bias", useBias);
        return c;
    }

    @Override
    public String toString() {
        return name() + " (Dense " + units + ", " + activation.configName() + ")"
                + (kernel == null ? "" : " kernel " + Shape.str(kernel.shape()));
    }
}
