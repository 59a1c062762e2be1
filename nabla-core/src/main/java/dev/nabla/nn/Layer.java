package dev.nabla.nn;

import dev.nabla.autograd.Autograd;
import dev.nabla.autograd.NoGrad;
import dev.nabla.tensor.Rng;
import dev.nabla.tensor.Shape;
import dev.nabla.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A building block of a network: it owns weights, created lazily from the first input's shape, and maps an input
 * tensor to an output tensor. Subclasses write only the forward computation; autograd derives the backward pass.
 *
 * <pre>{@code
 * class Scale extends Layer {
 *     private Tensor gain;
 *     Scale() { super(null); }
 *     protected void build(int[] inputShape) {
 *         gain = addWeight("gain", new int[] {inputShape[inputShape.length - 1]}, Initializers.ones(), true);
 *     }
 *     protected Tensor forward(Tensor x) { return x.mul(gain); }
 * }
 * Tensor y = new Scale().apply(Tensor.ones(2, 3));
 * }</pre>
 *
 * Images are NCHW (batch, channels, height, width) throughout, as in PyTorch.
 */
public abstract class Layer {

    private static final Map<String, AtomicInteger> NAME_COUNTERS = new ConcurrentHashMap<>();
    /** Seeds layers that the user never seeded, so that default construction is still deterministic per process. */
    private static final AtomicInteger DEFAULT_SEEDS = new AtomicInteger();

    private final String name;
    private final List<Weight> ownWeights = new ArrayList<>();
    private final List<Layer> children = new ArrayList<>();
    private Rng rng;
    private long seed;
    private boolean built;
    private boolean trainable = true;
    private boolean training = true;
    private int[] builtInputShape;
    /** How many times {@link #call} made a graph node of this layer (names the node's tensor: "dense", "dense:1"). */
    private int calls;

    /** @param name the layer's name; null picks a unique one from the type: "dense", "dense_1", ... */
    protected Layer(String name) {
        this.name = name != null ? name : uniqueName(snakeCase(getClass().getSimpleName()));
        this.seed = 0x9E3779B97F4A7C15L * (DEFAULT_SEEDS.incrementAndGet());
    }

    /** Resets the automatic name counters (so that two models built the same way get the same names). */
    public static void resetNames() {
        NAME_COUNTERS.clear();
    }

    private static String uniqueName(String base) {
        int n = NAME_COUNTERS.computeIfAbsent(base, k -> new AtomicInteger()).getAndIncrement();
        return n == 0 ? base : base + "_" + n;
    }

    /** The default name of a layer type, as Keras's: Conv2D -> conv2d, MaxPool2D -> max_pool2d, Dense -> dense. */
    static String snakeCase(String camel) {
        String s = camel.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
        return s.isEmpty() ? "layer" : s;
    }

    /** Builds on first use (from {@code x}'s shape), then runs {@link #forward}. */
    public final Tensor apply(Tensor x) {
        if (!built) buildFrom(x.shape());
        return forward(x);
    }

    /**
     * Applies the layer to several tensors, as a graph node does. A plain layer takes exactly one (this is
     * {@link #apply(Tensor)}); {@link MergeLayer}s take two or more.
     */
    public Tensor apply(Tensor... inputs) {
        if (inputs.length != 1) {
            List<int[]> shapes = new ArrayList<>();
            for (Tensor t : inputs) shapes.add(t.shape());
            throw new IllegalArgumentException(name + " takes one input, got " + inputs.length + (shapes.isEmpty() ? "" : ": " + SymbolicTensor.shapes(shapes)));
        }
        return apply(inputs[0]);
    }

    /**
     * Calls the layer on symbolic tensors, Keras-style, to build a graph for {@code Model.of(inputs, outputs)}:
     * <pre>{@code
     * SymbolicTensor x = Input.of("x", 4);
     * SymbolicTensor h = Dense.of(8, Activation.RELU).call(x);   // shape [8]; the Dense is built for [1, 4]
     * }</pre>
     * The layer is built here (batch 1), so inputs it cannot take are refused at this line, naming the layer and
     * the shapes. Calling one layer object twice makes two nodes sharing its weights.
     */
    public final SymbolicTensor call(SymbolicTensor... inputs) {
        if (inputs.length == 0) throw new IllegalArgumentException(name + ".call: no inputs");
        List<int[]> shapes = new ArrayList<>();
        for (SymbolicTensor t : inputs) shapes.add(t.shapeWithBatch(1));
        int[] out;
        try {
            out = outputShape(shapes);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " cannot be called on " + SymbolicTensor.describe(List.of(inputs)) + ": " + e.getMessage(), e);
        }
        if (out.length == 0) throw new IllegalArgumentException(name + " returns a scalar, which has no batch axis; it cannot be a graph node");
        String tensorName = calls == 0 ? name : name + ":" + calls;
        calls++;
        return new SymbolicTensor(tensorName, Arrays.copyOfRange(out, 1, out.length), this, List.of(inputs));
    }

    /** Creates the weights for inputs of this shape (batch dimension included); a no-op when already built. */
    public Layer buildFor(int... inputShape) {
        if (!built) buildFrom(inputShape.clone());
        return this;
    }

    private void buildFrom(int[] inputShape) {
        builtInputShape = inputShape.clone();
        build(inputShape);
        built = true;
    }

    /** Creates this layer's weights with {@link #addWeight}; input sizes come from {@code inputShape}. */
    protected void build(int[] inputShape) {
    }

    /** The layer's computation; weights exist when it runs. */
    protected abstract Tensor forward(Tensor x);

    /**
     * Creates a weight named {@code layerName/name}. Fans for the initializer follow Keras/PyTorch conventions
     * (see {@link Initializers#fans(int[])}).
     */
    protected final Tensor addWeight(String weightName, int[] shape, Initializer init, boolean trainable) {
        int[] fans = Initializers.fans(shape);
        Tensor value = init.create(shape.clone(), fans[0], fans[1], rng());
        if (trainable) value.requiresGrad(true);
        ownWeights.add(new Weight(name + "/" + weightName, value, trainable));
        return value;
    }

    /** Registers a sub-layer: its weights become this layer's, and mode / trainability / seed propagate to it. */
    protected final <L extends Layer> L addChild(L child) {
        if (child == this) throw new IllegalArgumentException(name + ": a layer cannot contain itself");
        children.add(child);
        child.setTraining(training);
        return child;
    }

    /** This layer's random generator (initializers, dropout masks); set by {@link #seed(long)}. */
    protected final Rng rng() {
        if (rng == null) rng = new Rng(seed);
        return rng;
    }

    /** Seeds this layer and, deterministically in order, its children. Call before the first {@link #apply}. */
    public Layer seed(long seed) {
        this.seed = seed;
        this.rng = new Rng(seed);
        Rng childSeeds = new Rng(seed ^ 0x5DEECE66DL);
        for (Layer child : children) child.seed(childSeeds.nextLong());
        return this;
    }

    /** The seed this layer's generator started from (saved with a model, so a resumed run draws the same numbers). */
    public long seedValue() {
        return seed;
    }

    /**
     * Restarts this layer's generator (and its children's) from its seed and the epoch number. {@code fit} calls it
     * at every epoch start, so dropout masks depend only on (seed, epoch): a run resumed at epoch k draws the same
     * masks as an uninterrupted one.
     */
    public void startEpoch(int epoch) {
        rng = new Rng(seed + 0xD1B54A32D192ED03L * (epoch + 1));
        for (Layer child : children) child.startEpoch(epoch);
    }

    public String name() {
        return name;
    }

    /** The class name, e.g. "Dense", used in configs and summaries. */
    public String type() {
        return getClass().getSimpleName();
    }

    public boolean isBuilt() {
        return built;
    }

    /** The input shape this layer was built with (batch dimension included), or null before the first input. */
    public int[] inputShape() {
        return builtInputShape == null ? null : builtInputShape.clone();
    }

    /** Every weight, this layer's first and then each child's, in creation order. */
    public List<Weight> weights() {
        List<Weight> all = new ArrayList<>(ownWeights);
        for (Layer child : children) all.addAll(child.weights());
        return Collections.unmodifiableList(all);
    }

    /** The tensors an optimizer should update: trainable weights of trainable layers. */
    public List<Tensor> trainableParameters() {
        List<Tensor> params = new ArrayList<>();
        if (trainable) {
            for (Weight w : ownWeights) if (w.trainable()) params.add(w.value());
        }
        for (Layer child : children) params.addAll(child.trainableParameters());
        return params;
    }

    /** Freezes or unfreezes this layer and its children. */
    public void setTrainable(boolean trainable) {
        this.trainable = trainable;
        for (Layer child : children) child.setTrainable(trainable);
    }

    public boolean isTrainable() {
        return trainable;
    }

    /** Training mode (Dropout active, BatchNormalization uses batch statistics) or inference mode; recursive. */
    public void setTraining(boolean training) {
        this.training = training;
        for (Layer child : children) child.setTraining(training);
    }

    public boolean isTraining() {
        return training;
    }

    /**
     * Whether a padding mask on the input goes on to the output unchanged (see {@link Masks}): true for layers that
     * work on each time step alone and keep the [batch, time] axes. False here, so other layers drop a mask.
     */
    public boolean propagatesMask() {
        return false;
    }

    /**
     * The output shape for inputs of {@code inputShape}: by default, builds if needed and runs {@link #forward} on
     * zeros with the batch dimension set to 1, without recording a graph, in inference mode.
     */
    public int[] outputShape(int[] inputShape) {
        int[] probe = inputShape.clone();
        if (probe.length > 0) probe[0] = 1;
        int[] out = inInference(() -> apply(Tensor.zeros(probe)).shape());
        if (out.length > 0 && inputShape.length > 0) out[0] = inputShape[0];
        return out;
    }

    /** Runs {@code body} in inference mode and without recording a graph, then puts the training mode back. */
    protected final <T> T inInference(Supplier<T> body) {
        boolean wasTraining = training;
        try (NoGrad ignored = Autograd.noGrad()) {
            setTraining(false);
            return body.get();
        } finally {
            setTraining(wasTraining);
        }
    }

    /**
     * The output shape for several inputs' shapes (batch dimension included), as {@link #call} needs it. A plain
     * layer takes exactly one: {@link #outputShape(int[])}.
     */
    public int[] outputShape(List<int[]> inputShapes) {
        if (inputShapes.size() != 1) {
            throw new IllegalArgumentException(name + " takes one input, got " + inputShapes.size() + ": " + SymbolicTensor.shapes(inputShapes));
        }
        return outputShape(inputShapes.get(0));
    }

    /**
     * Creates this layer's weights (and its children's) again from its seed, for the shape it was built with; a
     * no-op before it is built. A functional model's layers are built when called, before the model is seeded, so
     * seeding it re-initialises them with this.
     */
    public void reinitialize() {
        for (Layer child : children) child.reinitialize();
        if (!built) return;
        ownWeights.clear();
        rng = new Rng(seed);
        build(builtInputShape.clone());
    }

    /** Number of scalars in all weights (trainable or not). */
    public long parameterCount() {
        long n = 0;
        for (Weight w : weights()) n += w.value().size();
        return n;
    }

    /** Number of scalars in the weights an optimizer updates. */
    public long trainableParameterCount() {
        long n = 0;
        for (Tensor t : trainableParameters()) n += t.size();
        return n;
    }

    /**
     * JSON-friendly description: {@code type}, {@code name} and the constructor arguments, enough for
     * {@link Layers#fromConfig(Map)} to rebuild the layer. Subclasses add their arguments to {@code super.config()}.
     */
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("type", type());
        c.put("name", name);
        if (!trainable) c.put("trainable", false); // a frozen layer stays frozen when its model file is loaded
        return c;
    }

    public List<Layer> children() {
        return Collections.unmodifiableList(children);
    }

    /** Throws the standard layer shape error: {@code dense_2 expects input [*, 32], got [16, 30]}. */
    protected final IllegalArgumentException shapeError(String expected, int[] got) {
        return new IllegalArgumentException(name + " expects input " + expected + ", got " + Shape.str(got));
    }

    /** Checks the rank of {@code x}, describing the expected layout (e.g. "[batch, channels, height, width]"). */
    protected final void requireRank(Tensor x, int rank, String layout) {
        if (x.rank() != rank) throw shapeError(layout, x.shape());
    }

    @Override
    public String toString() {
        return name + " (" + type() + ")" + (built ? " built for " + Arrays.toString(builtInputShape) : "");
    }
}
