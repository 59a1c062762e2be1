package dev.nabla.nn;

import dev.nabla.autograd.Autograd;
import dev.nabla.kernels.Elementwise;
import dev.nabla.kernels.Gemms;
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

    /** Kernels from this many weights add their gradient into .grad() directly (smaller ones gain nothing). */
    private static final int DIRECT_GRADIENT_MIN = 16 * 1024;

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
        int[] s = x.shape();
        int in = kernel.shape()[0];
        if (s.length < 2 || s[s.length - 1] != in) throw shapeError("[*, " + in + "]", s);
        if (s.length == 2) {
            boolean relu = activation == Activation.RELU;
            Tensor z = affine(x, kernel, bias, relu);
            return relu ? z : activation.apply(z);
        }
        Tensor y = x.matmul(kernel);
        if (useBias) y = y.add(bias);
        return activation.apply(y);
    }

    /**
     * {@code relu?(x @ kernel + bias)} for [batch, in] inputs as one op: the bias is the GEMM's starting value and
     * the ReLU is applied in place, so the forward pass allocates one array; the backward pass masks the gradient
     * once and needs no gradient for inputs that do not require one (the pixels of a first layer).
     */
    static Tensor affine(Tensor x, Tensor kernel, Tensor bias, boolean relu) {
        int m = x.dim(0), k = x.dim(1), n = kernel.dim(1);
        float[] out = new float[m * n];
        if (bias != null) {
            float[] b = bias.data();
            for (int i = 0; i < m; i++) System.arraycopy(b, 0, out, i * n, n);
        }
        Gemms.get().sgemm(false, false, m, n, k, 1f, x.data(), 0, k, kernel.data(), 0, n, bias != null ? 1f : 0f, out, 0, n);
        if (relu) for (int i = 0; i < out.length; i++) out[i] = Math.max(out[i], 0f);
        Tensor y = Tensor.of(out, m, n);
        Tensor[] inputs = bias != null ? new Tensor[] {x, kernel, bias} : new Tensor[] {x, kernel};
        return Autograd.record(relu ? "linear_relu" : "linear", () -> relu
                ? "for Y = relu(Z), Z = X @ W + b: dZ = dY where Z > 0 or NaN (else 0), then dX = dZ @ W^T,"
                        + " dW = X^T @ dZ, db = dZ summed over the rows"
                : "for Y = X @ W + b: dX = dY @ W^T, dW = X^T @ dY, db = dY summed over the rows", y, (g, need, leaves) -> {
            float[] dz = g.data();
            if (relu) {
                float[] masked = new float[dz.length];
                Elementwise.reluGradientFromOutput(out, 0, dz, 0, masked, 0, dz.length);
                dz = masked;
            }
            Tensor[] grads = new Tensor[need.length];
            if (need[0]) {
                float[] dx = new float[m * k];
                Gemms.get().sgemm(false, true, m, k, n, 1f, dz, 0, n, kernel.data(), 0, n, 0f, dx, 0, k);
                grads[0] = Tensor.of(dx, m, k);
            }
            if (need[1]) {
                // A large kernel's gradient goes straight into its .grad() when the backward pass allows it.
                float[] into = k * n >= DIRECT_GRADIENT_MIN ? leaves.of(1) : null;
                float[] dw = into != null ? into : new float[k * n];
                Gemms.get().sgemm(true, false, k, n, m, 1f, x.data(), 0, k, dz, 0, n, into != null ? 1f : 0f, dw, 0, n);
                if (into == null) grads[1] = Tensor.of(dw, k, n);
            }
            if (need.length > 2 && need[2]) {
                float[] db = new float[n];
                for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) db[j] += dz[i * n + j];
                grads[2] = Tensor.of(db, n);
            }
            return grads;
        }, inputs);
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
