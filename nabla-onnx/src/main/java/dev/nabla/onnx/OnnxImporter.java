package dev.nabla.onnx;

import dev.nabla.nn.Activation;
import dev.nabla.nn.ActivationLayer;
import dev.nabla.nn.Add;
import dev.nabla.nn.AvgPool1D;
import dev.nabla.nn.AvgPool2D;
import dev.nabla.nn.BatchNormalization;
import dev.nabla.nn.Concatenate;
import dev.nabla.nn.Conv1D;
import dev.nabla.nn.Conv2D;
import dev.nabla.nn.DataFormat;
import dev.nabla.nn.Dense;
import dev.nabla.nn.Embedding;
import dev.nabla.nn.Flatten;
import dev.nabla.nn.GlobalAveragePooling1D;
import dev.nabla.nn.GlobalAveragePooling2D;
import dev.nabla.nn.GlobalMaxPooling1D;
import dev.nabla.nn.Initializers;
import dev.nabla.nn.Input;
import dev.nabla.nn.Layer;
import dev.nabla.nn.LayerNormalization;
import dev.nabla.nn.MaxPool1D;
import dev.nabla.nn.MaxPool2D;
import dev.nabla.nn.Multiply;
import dev.nabla.nn.Padding;
import dev.nabla.nn.Permute;
import dev.nabla.nn.Reshape;
import dev.nabla.nn.Subtract;
import dev.nabla.nn.SymbolicTensor;
import dev.nabla.nn.Weight;
import dev.nabla.nn.ZeroPadding2D;
import dev.nabla.tensor.Shape;
import dev.nabla.train.Functional;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.nabla.onnx.OnnxModel.Attribute;
import static dev.nabla.onnx.OnnxModel.Node;
import static dev.nabla.onnx.OnnxModel.TensorData;

/**
 * Imports an ONNX file (IR 7-10, opsets 13-23 of the default domain; PyTorch's exports and Nabla's own) as a
 * trainable functional model ({@link Functional}): each node becomes a Nabla layer call, so the model trains at
 * Nabla's speed and saves as {@code .nabla}. Initializers become the layers' weights, each layer named after its
 * initializers' module path ({@code fc1.weight} and {@code fc1.bias} are the weights {@code fc1/kernel} and
 * {@code fc1/bias}); the graph inputs become {@link Input}s (one sample's shape; the first dimension is the batch;
 * integer inputs such as token ids become float32 as everywhere in Nabla), the graph outputs the model's outputs.
 *
 * <pre>{@code
 * Functional model = OnnxImporter.load(Path.of("model.onnx"));
 * }</pre>
 *
 * Mapping: Gemm and MatMul (+ Add) with a weight matrix are a Dense (kernel [in, out], transposed from Gemm's
 * transB=1); Conv is Conv2D or Conv1D (padding that is not "same" becomes a ZeroPadding2D before it);
 * BatchNormalization and LayerNormalization their layers (running statistics kept); Relu, Tanh, Sigmoid, Gelu,
 * Softmax and LogSoftmax (last axis), LeakyRelu, Elu, Softplus an ActivationLayer; MaxPool / AveragePool the 1-D or
 * 2-D pools; GlobalAveragePool a GlobalAveragePooling2D; ReduceMean / ReduceMax over the time or channel axis of a
 * [batch, a, b] tensor GlobalAveragePooling1D / GlobalMaxPooling1D; Flatten, Reshape, Transpose (batch axis kept) Flatten,
 * Reshape, Permute; Add, Sub, Mul of two same-shaped tensors and Concat the merge layers; Gather from a weight
 * matrix an Embedding (a Cast of its ids to int64 passes them through: Nabla's ids are float32 holding integers);
 * forward LSTM and GRU nodes (zero initial state, GRU with linear_before_reset=1) Nabla's LSTM / GRU with the gate
 * blocks re-laid (ONNX i, o, f, c and z, r, h to PyTorch's i, f, g, o and r, z, n), the time-major transposes,
 * squeezes and reshapes around them followed as views of the batch-first tensor, and the last step (a Gather of
 * step -1, or Y_h) the layer without return_sequences; RNN nodes SimpleRNN, two directions a Bidirectional, initial
 * states from [batch, hidden] tensors extra inputs; Identity and Dropout pass through. Shape-computing subgraphs (Shape, Gather, Unsqueeze,
 * Squeeze, Concat, Slice, Cast, Constant and integer arithmetic) are folded once the input shapes are known, the
 * batch dimension staying symbolic.
 *
 * <p>Attention (PyTorch's time-major subgraph with batch * heads, or Nabla's own) is followed through its reshapes,
 * transposes and gathers as {@link Factored} values: the projections, q k^T, the scale, a causal mask, Softmax over
 * the keys, the product with v and the output projection are checked exactly and become one
 * {@link dev.nabla.nn.MultiHeadAttention} (fused attention op) with the weights re-laid as in_proj / out_proj. The
 * Erf and tanh forms of GELU become one activation, a [time, features] table added to a sequence a
 * PositionalEmbedding (or SinusoidalPositionalEmbedding), Pad / Resize / Mean / Max / Min / Expand of a column
 * ZeroPadding2D / UpSampling2D / Average / Maximum / Minimum / RepeatVector. Nabla's padding masks (Equal / Not /
 * Cast of the ids and their uses as sequence_lens, attention biases and masked poolings) give the Embedding its
 * padding index back; Nabla then routes the mask itself. An encoder layer's norms, attention, residual Adds and
 * feed-forward become one {@link dev.nabla.nn.TransformerEncoderLayer}. A MatMul of two computed [batch, m, k] and
 * [batch, k, n] tensors is a Dot; a value whose axes were moved (batch still first) is read through Reshape and
 * Permute layers. TorchScript's exports (Identity copies of initializers, ConstantOfShape initial states, k * batch
 * and float arithmetic in shape subgraphs) fold the same way. In a file Nabla wrote, an initializer read by several
 * nodes is one shared layer.
 *
 * <p>Any other op, or an attribute value these layers cannot express, is refused with one line naming the op, the
 * node, the opset and the attribute; no generic op layer is made, so every imported model saves, loads and exports
 * with Nabla's own layers.
 */
public final class OnnxImporter {

    /**
     * The batch dimension inside a folded shape vector; {@code BATCH + k - 1} is k times the batch (TorchScript's
     * attention computes batch * heads), far below any real dimension.
     */
    private static final long BATCH = Long.MIN_VALUE / 4;
    private static final long MAX_BATCH_FACTOR = 1L << 40;

    private static boolean isBatch(long v) {
        return v >= BATCH && v < BATCH + MAX_BATCH_FACTOR;
    }

    /** k in {@code k * batch}. */
    private static long batchFactor(long v) {
        return v - BATCH + 1;
    }
    private static final int MIN_IR = 3, MAX_IR = 10, MIN_OPSET = 13, MAX_OPSET = 23;

    private OnnxImporter() {}

    /** A value known while importing: shape vectors, constants, initializers; integers in {@code longs}. */
    private record Const(int[] shape, float[] floats, long[] longs) {
        static Const of(TensorData t) {
            int[] s = new int[t.dims().length];
            for (int i = 0; i < s.length; i++) s[i] = (int) t.dims()[i];
            return new Const(s, t.floats(), t.longs());
        }

        static Const ints(long... values) {
            return new Const(new int[] {values.length}, null, values);
        }

        long[] asLongs() {
            if (longs != null) return longs;
            long[] l = new long[floats.length];
            for (int i = 0; i < l.length; i++) l[i] = (long) floats[i];
            return l;
        }

        float[] asFloats() {
            if (floats != null) return floats;
            float[] f = new float[longs.length];
            for (int i = 0; i < f.length; i++) f[i] = longs[i];
            return f;
        }

        int size() {
            return floats != null ? floats.length : longs.length;
        }
    }

    /**
     * The padding mask of token ids, in one of the forms an exporter computes from it ({@code ids == pad}, its negation,
     * the float mask, the step counts, the keys' [batch, 1, 1, T] form ...): Nabla routes that mask itself from the
     * Embedding with the padding index to the layers that read it, so these values only check that the graph uses it
     * as Nabla would. {@code x} is the tensor of a masked product or sum (pooling), else null.
     */
    private record MaskOf(SymbolicTensor ids, String form, SymbolicTensor x) {
        MaskOf as(String newForm) {
            return new MaskOf(ids, newForm, x);
        }
    }

    /**
     * A tensor with size-1 axes inserted ({@code axes}, ONNX numbering), made a Reshape only where read as a tensor:
     * a RepeatVector's column before its Expand, or a recurrent op's initial state.
     */
    private record Unsqueezed(SymbolicTensor x, long[] axes) {
        /** The sample shape, or null when an axis goes before the batch. */
        int[] shape() {
            List<Integer> s = new ArrayList<>();
            s.add(-1);
            for (int d : x.shape()) s.add(d);
            long[] sorted = Arrays.stream(axes).map(a -> a < 0 ? a + s.size() + axes.length : a).sorted().toArray();
            for (long a : sorted) s.add((int) a, 1);
            if (s.get(0) != -1) return null;
            return s.subList(1, s.size()).stream().mapToInt(Integer::intValue).toArray();
        }
    }

    /** The first {@code rows} rows of the initializer {@code name} (a learned position table longer than the sequence). */
    private record FirstRows(String name, Const table, int rows) {}

    /**
     * Columns {@code columns} of a [batch, features] tensor (a Gather on axis 1), or, with {@code table}, the rows of
     * that table the one column's ids pick ({@code flat} once flattened to [batch, dim]): the parts a
     * {@link dev.nabla.nn.CategoryEmbedding} exports as, joined again by their Concat.
     */
    private record Columns(SymbolicTensor x, long[] columns, TensorData table, boolean flat) {}

    /** A tensor of zeros whose shape holds the batch size (an Expand of 0): a recurrent op's initial state, unused. */
    private record Zeros() {}

    /**
     * How the ONNX axes of a sequence value lie over a Nabla tensor [batch, time, features] (or, for a last state,
     * [batch, features]): the recurrent ops are time-major and insert a directions axis, which Nabla does not, so these
     * transposes and reshapes are followed as views instead of being run.
     */
    private enum Layout {
        /** [T, B, F] of a [B, T, F] tensor. */
        TBF,
        /** [B, T, F]: the tensor itself. */
        BTF,
        /** [T, 1, B, H]: a recurrent op's Y. */
        T1BH,
        /** [T, B, 1, H]. */
        TB1H,
        /** [B, T, 1, H]. */
        BT1H,
        /** [1, B, H]: a recurrent op's Y_h. */
        ONE_BH,
        /** [B, 1, H]. */
        B1H
    }

    /** A sequence value as a view ({@link Layout}) of a tensor, or of a recurrent op not yet made into a layer. */
    private record View(Object source, Layout layout) {}

    /**
     * An RNN, LSTM or GRU node, made into Nabla's layer (a {@link Bidirectional} of it for two directions) when its
     * output is first used: returning sequences or the last state, as the graph reads it. The weights are already in
     * PyTorch's gate order: weight_ih, weight_hh, bias_ih, bias_hh of each direction, forward first. The layouts'
     * directions axis ("1") has {@code directions} entries.
     */
    private static final class Pending {
        final String op, name;
        final SymbolicTensor x;
        final int hidden, directions;
        final List<float[]> weights;
        final List<SymbolicTensor> states;
        SymbolicTensor made;
        boolean sequences;

        Pending(String op, String name, SymbolicTensor x, int hidden, int directions, List<float[]> weights, List<SymbolicTensor> states) {
            this.states = states;
            this.op = op;
            this.name = name;
            this.x = x;
            this.hidden = hidden;
            this.directions = directions;
            this.weights = weights;
        }
    }

    /** Reads and imports an ONNX file (external data beside it); errors are one line naming the file. */
    public static Functional load(Path file) {
        OnnxModel m = OnnxModel.read(file);
        return new OnnxImporter.Builder(m, file.getFileName().toString()).build();
    }

    /** Imports ModelProto bytes (no external data). */
    public static Functional fromBytes(byte[] bytes, String origin) {
        return new Builder(OnnxModel.parse(bytes, origin, null), origin).build();
    }

    private static final class Builder {
        private final OnnxModel model;
        private final String origin;
        private final long opset;
        private final Map<String, Object> values = new HashMap<>(); // ONNX value -> SymbolicTensor or Const
        private final Set<String> initializers = new HashSet<>();
        /** The initializers by name, with the names TorchScript's Identity nodes give them (one tensor for equal parameters). */
        private final Map<String, TensorData> inits = new HashMap<>();
        private final Set<String> usedNames = new HashSet<>();
        private final Map<String, Integer> consumers = new HashMap<>();
        private final Set<Node> consumed = new HashSet<>();
        private Node node;
        private final boolean nablaFile;

        Builder(OnnxModel model, String origin) {
            this.model = model;
            this.origin = origin;
            this.nablaFile = "Nabla".equals(model.producer());
            Long v = model.opsets().containsKey("") ? model.opsets().get("") : model.opsets().get("ai.onnx");
            if (v == null) throw new IllegalArgumentException(origin + ": no opset of the default ONNX domain (opsets " + model.opsets() + ")");
            opset = v;
            if (model.irVersion() < MIN_IR || model.irVersion() > MAX_IR) {
                throw new IllegalArgumentException(origin + ": IR version " + model.irVersion() + " is not supported (" + MIN_IR + " to " + MAX_IR + ")");
            }
            if (opset < MIN_OPSET || opset > MAX_OPSET) {
                throw new IllegalArgumentException(origin + ": opset " + opset + " is not supported (" + MIN_OPSET + " to " + MAX_OPSET + ")");
            }
        }

        Functional build() {
            OnnxModel.Graph g = model.graph();
            inits.putAll(g.initializers());
            for (Node n : g.nodes()) {
                TensorData t = n.opType().equals("Identity") && n.inputs().size() == 1 ? inits.get(n.inputs().get(0)) : null;
                if (t != null) inits.put(n.outputs().get(0), new TensorData(n.outputs().get(0), t.dims(), t.dataType(), t.floats(), t.longs()));
            }
            inits.forEach((name, t) -> {
                values.put(name, Const.of(t));
                initializers.add(name);
            });
            List<SymbolicTensor> inputs = new ArrayList<>();
            for (OnnxModel.ValueInfo in : g.inputs()) {
                if (initializers.contains(in.name())) continue;
                long[] d = in.dims();
                if (d.length < 2) throw new IllegalArgumentException(origin + ": input " + in.name() + " has shape " + Arrays.toString(d)
                        + "; Nabla needs a batch dimension and at least one more");
                int[] sample = new int[d.length - 1];
                for (int i = 1; i < d.length; i++) {
                    if (d[i] <= 0) throw new IllegalArgumentException(origin + ": input " + in.name() + " dimension " + i
                            + " is symbolic; only the first (batch) dimension may be");
                    sample[i - 1] = (int) d[i];
                }
                SymbolicTensor t = Input.of(in.name(), sample);
                usedNames.add(in.name());
                values.put(in.name(), t);
                inputs.add(t);
            }
            for (Node n : g.nodes()) for (String in : n.inputs()) consumers.merge(in, 1, Integer::sum);
            for (Node n : g.nodes()) {
                if (consumed.contains(n)) continue;
                node = n;
                if (!n.domain().isEmpty() && !n.domain().equals("ai.onnx")) throw unsupported("op domain " + n.domain());
                convert(n);
            }
            List<String> outNames = new ArrayList<>();
            List<SymbolicTensor> outs = new ArrayList<>();
            for (OnnxModel.ValueInfo out : g.outputs()) {
                Object v = values.get(out.name());
                if (v instanceof View || v instanceof Factored || v instanceof Unsqueezed) v = sym(v, out.name());
                if (!(v instanceof SymbolicTensor t)) throw new IllegalArgumentException(origin + ": output " + out.name()
                        + (v == null ? " is made by no node" : " is a constant; Nabla's outputs depend on an input"));
                outNames.add(out.name());
                outs.add(t);
            }
            String name = origin.replaceAll("\\.onnx$", "");
            return EncoderLayers.fold(new Functional(name, inputs, outNames, outs));
        }

        // ------------------------------------------------------------------ nodes

        private void convert(Node n) {
            switch (n.opType()) {
                case "Identity":
                case "Dropout": alias(n); return;
                case "Constant": put(constantNode(n)); return;
                case "Shape": shape(n); return;
                case "Gather": gather(n); return;
                case "Unsqueeze": unsqueeze(n, true); return;
                case "Squeeze": unsqueeze(n, false); return;
                case "Concat": concat(n); return;
                case "Slice": slice(n); return;
                case "Cast": cast(n); return;
                case "Gemm": gemm(n); return;
                case "MatMul": matMul(n); return;
                case "Add":
                case "Sub":
                case "Mul":
                case "Div":
                case "Mod":
                case "Max": binary(n); return;
                case "Sqrt": {
                    if (!(value(0) instanceof Const c) || c.floats() == null) throw unsupported("Sqrt other than of a float constant");
                    float[] r = new float[c.size()];
                    for (int i = 0; i < r.length; i++) r[i] = (float) Math.sqrt(c.floats()[i]);
                    put(new Const(c.shape(), r, null));
                    return;
                }
                case "Equal": equal(n); return;
                case "Not": maskStep(n, "equal", "not"); return;
                case "ReduceSum": reduceSum(n); return;
                case "Relu": activation(n, Activation.RELU); return;
                case "Tanh": activation(n, Activation.TANH); return;
                case "Sigmoid": activation(n, Activation.SIGMOID); return;
                case "Softplus": activation(n, Activation.SOFTPLUS); return;
                case "Gelu": {
                    String approx = stringAttr(n, "approximate", "none");
                    if (!approx.equals("none") && !approx.equals("tanh")) throw badAttribute("approximate", approx, "none or tanh");
                    activation(n, approx.equals("tanh") ? Activation.GELU_TANH : Activation.GELU);
                    return;
                }
                case "LeakyRelu": requireFloat(n, "alpha", 0.01f, Activation.LEAKY_RELU_SLOPE); activation(n, Activation.LEAKY_RELU); return;
                case "Elu": requireFloat(n, "alpha", 1f, Activation.ELU_ALPHA); activation(n, Activation.ELU); return;
                case "Softmax":
                case "LogSoftmax": {
                    if (value(0) instanceof Factored f && n.opType().equals("Softmax")) {
                        values.put(n.outputs().get(0), softmax(f, intAttr(n, "axis", -1)));
                        return;
                    }
                    SymbolicTensor x = sym(0);
                    long axis = intAttr(n, "axis", -1);
                    if (axis != -1 && axis != x.shape().length) throw badAttribute("axis", axis, "the last axis");
                    activation(n, n.opType().equals("Softmax") ? Activation.SOFTMAX : Activation.LOG_SOFTMAX);
                    return;
                }
                case "Conv": conv(n); return;
                case "MaxPool":
                case "AveragePool": pool(n); return;
                case "GlobalAveragePool": globalAveragePool(n); return;
                case "Flatten": {
                    if (intAttr(n, "axis", 1) != 1) throw badAttribute("axis", intAttr(n, "axis", 1), "1");
                    if (value(0) instanceof Columns c && c.table() != null && !c.flat()) {
                        values.put(n.outputs().get(0), new Columns(c.x(), c.columns(), c.table(), true));
                        return;
                    }
                    call(new Flatten(layerName(null)), sym(0));
                    return;
                }
                case "Reshape": reshape(n); return;
                case "Transpose": transpose(n); return;
                case "BatchNormalization": batchNorm(n); return;
                case "LayerNormalization": layerNorm(n); return;
                case "RNN":
                case "LSTM":
                case "GRU": recurrent(n); return;
                case "Expand": expand(n); return;
                case "ReduceMean":
                case "ReduceMax": reduce(n); return;
                case "Greater": greater(n); return;
                case "Min": {
                    if (n.inputs().size() == 2 && value(0) instanceof SymbolicTensor a && value(1) instanceof SymbolicTensor b) {
                        call(new dev.nabla.nn.Minimum(layerName(null)), a, b);
                        return;
                    }
                    throw unsupported("op Min other than of two computed tensors");
                }
                case "Mean": {
                    SymbolicTensor[] xs = new SymbolicTensor[n.inputs().size()];
                    for (int i = 0; i < xs.length; i++) xs[i] = sym(i);
                    call(new dev.nabla.nn.Average(layerName(null)), xs);
                    return;
                }
                case "Pad": pad(n); return;
                case "ConstantOfShape": constantOfShape(n); return;
                case "Resize": resize(n); return;
                case "Where": where(n); return;
                default: throw unsupported("op " + n.opType());
            }
        }

        private void alias(Node n) {
            values.put(n.outputs().get(0), value(0));
        }

        private Const constantNode(Node n) {
            for (Attribute a : n.attributes().values()) {
                switch (a.name()) {
                    case "value": return Const.of(a.t());
                    case "value_float": return new Const(new int[0], new float[] {a.f()}, null);
                    case "value_floats": return new Const(new int[] {a.floats().length}, a.floats(), null);
                    case "value_int": return new Const(new int[0], null, new long[] {a.i()});
                    case "value_ints": return Const.ints(a.ints());
                    default: throw badAttribute(a.name(), "", "value, value_float(s) or value_int(s)");
                }
            }
            throw unsupported("a Constant without a value");
        }

        private void shape(Node n) {
            Object v = value(0);
            long[] dims;
            if (v instanceof View view) {
                dims = viewDims(view);
            } else if (v instanceof Factored f) {
                dims = f.dims(BATCH);
            } else if (v instanceof SymbolicTensor t) {
                dims = new long[t.shape().length + 1];
                dims[0] = BATCH;
                for (int i = 0; i < t.shape().length; i++) dims[i + 1] = t.shape()[i];
            } else {
                dims = Arrays.stream(((Const) v).shape()).asLongStream().toArray();
            }
            int start = (int) axis(intAttr(n, "start", 0), dims.length + 1), end = (int) axis(intAttr(n, "end", dims.length), dims.length + 1);
            put(Const.ints(Arrays.copyOfRange(dims, Math.min(start, dims.length), Math.max(Math.min(end, dims.length), Math.min(start, dims.length)))));
        }

        private void gather(Node n) {
            Object data = value(0);
            if (value(1) instanceof SymbolicTensor ids && isInitializer(0) && intAttr(n, "axis", 0) == 0) {
                embedding(ids);
                return;
            }
            if (value(1) instanceof Columns c && c.table() == null && c.columns().length == 1 && isInitializer(0) && intAttr(n, "axis", 0) == 0
                    && weight(0).dims().length == 2) {
                values.put(n.outputs().get(0), new Columns(c.x(), c.columns(), weight(0), false));
                return;
            }
            Const idx = constant(1, "indices");
            if (data instanceof SymbolicTensor x && x.shape().length == 1 && intAttr(n, "axis", 0) == 1 && idx.shape().length == 1) {
                long[] cols = idx.asLongs();
                if (Arrays.stream(cols).anyMatch(c -> c < 0 || c >= x.shape()[0])) throw unsupported("Gather of columns " + Arrays.toString(cols) + " of " + shapeOf(x));
                values.put(n.outputs().get(0), new Columns(x, cols, null, false));
                return;
            }
            if (data instanceof View v && gatherView(v, idx, intAttr(n, "axis", 0))) return;
            if (data instanceof Factored f && idx.shape().length == 0) {
                long axis = axis(intAttr(n, "axis", 0), f.rank());
                Factored g = f.gather((int) axis, idx.asLongs()[0]);
                if (g == null) throw unsupported("Gather of index " + idx.asLongs()[0] + " on axis " + axis + " of a " + f.layout() + " value");
                values.put(n.outputs().get(0), g);
                return;
            }
            if (data instanceof Const c) {
                if (c.shape().length != 1 || intAttr(n, "axis", 0) != 0) throw unsupported("Gather from a constant of shape " + Shape.str(c.shape()));
                long[] l = c.asLongs(), i = idx.asLongs(), out = new long[i.length];
                for (int k = 0; k < i.length; k++) out[k] = l[(int) (i[k] < 0 ? i[k] + l.length : i[k])];
                put(new Const(idx.shape(), c.floats() == null ? null : toFloats(out), c.floats() == null ? out : null));
                return;
            }
            throw unsupported("Gather from a computed tensor");
        }

        /** Gather from a [vocab, dim] weight by computed ids: an Embedding (the ids float32, as Nabla's). */
        private void embedding(SymbolicTensor ids) {
            TensorData table = weight(0);
            if (table.dims().length != 2) throw unsupported("Gather from a weight of shape " + Arrays.toString(table.dims()));
            int pad = paddingIndex(node.inputs().get(1));
            final int padding = pad;
            values.put(node.outputs().get(0), layer(table.name(), () -> new Embedding(layerName(table.name()), (int) table.dims()[0], (int) table.dims()[1],
                    padding, Initializers.zeros()), List.of(table.floats()), ids));
            if (pad >= 0) paddingIndices.put(ids, (long) pad);
        }

        private void unsqueeze(Node n, boolean add) {
            Object v = value(0);
            long[] axes = n.inputs().size() > 1 ? constant(1, "axes").asLongs() : n.attributes().containsKey("axes") ? n.attributes().get("axes").ints() : null;
            boolean oneDirection = v instanceof View view && !(view.source() instanceof Pending p && p.directions != 1);
            if (!add && oneDirection && v instanceof View view && view.layout() == Layout.T1BH && axes != null && Arrays.equals(axes, new long[] {1})) {
                values.put(n.outputs().get(0), new View(view.source(), Layout.TBF)); // Y without its directions axis
                return;
            }
            if (!add && oneDirection && v instanceof View view && view.layout() == Layout.ONE_BH && axes != null && Arrays.equals(axes, new long[] {0})) {
                values.put(n.outputs().get(0), materialize(view.source(), false));
                return;
            }
            if (v instanceof MaskOf m && add && m.form().equals("mask") && axes != null && (Arrays.equals(axes, new long[] {1, 2}) || Arrays.equals(axes, new long[] {2}))) {
                values.put(n.outputs().get(0), m.as(axes.length == 2 ? "keys" : "steps"));
                return;
            }
            if (v instanceof Factored f) {
                Factored g = add ? (axes == null ? null : f.unsqueeze(axes)) : f.squeeze(axes);
                if (g == null) throw unsupported((add ? "Unsqueeze" : "Squeeze") + " of axes " + Arrays.toString(axes) + " of a " + f.layout() + " value");
                values.put(n.outputs().get(0), g);
                return;
            }
            if (add && v instanceof SymbolicTensor t && axes != null) {
                values.put(n.outputs().get(0), new Unsqueezed(t, axes));
                return;
            }
            if (!(v instanceof Const c)) throw unsupported((add ? "Unsqueeze" : "Squeeze") + " of a computed tensor");
            List<Integer> shape = new ArrayList<>();
            for (int d : c.shape()) shape.add(d);
            if (add) {
                int rank = shape.size() + axes.length;
                long[] sorted = Arrays.stream(axes).map(a -> axis(a, rank)).sorted().toArray();
                for (long a : sorted) shape.add((int) a, 1);
            } else if (axes == null) {
                shape.removeIf(d -> d == 1);
            } else {
                int rank = shape.size();
                long[] sorted = Arrays.stream(axes).map(a -> axis(a, rank)).sorted().toArray();
                for (int k = sorted.length - 1; k >= 0; k--) shape.remove((int) sorted[k]);
            }
            put(new Const(shape.stream().mapToInt(Integer::intValue).toArray(), c.floats(), c.longs()));
        }

        private void concat(Node n) {
            List<Object> xs = new ArrayList<>();
            for (int i = 0; i < n.inputs().size(); i++) xs.add(value(i));
            long axis = intAttr(n, "axis", Long.MIN_VALUE);
            if (axis == Long.MIN_VALUE) throw unsupported("Concat without an axis");
            if (xs.stream().allMatch(x -> x instanceof Const c && c.shape().length == 1)) {
                List<Long> all = new ArrayList<>();
                boolean floats = false;
                for (Object x : xs) {
                    floats |= ((Const) x).floats() != null;
                    for (long l : ((Const) x).asLongs()) all.add(l);
                }
                long[] l = all.stream().mapToLong(Long::longValue).toArray();
                put(floats ? new Const(new int[] {l.length}, toFloats(l), null) : Const.ints(l));
                return;
            }
            if (axis(axis, 2) == 1 && xs.stream().allMatch(x -> x instanceof Columns)) {
                values.put(n.outputs().get(0), categoryEmbedding(xs.stream().map(x -> (Columns) x).toList()));
                return;
            }
            SymbolicTensor[] ts = new SymbolicTensor[xs.size()];
            for (int i = 0; i < ts.length; i++) ts[i] = sym(i);
            if (axis(axis, ts[0].shape().length + 1) == 0) throw badAttribute("axis", axis, "any axis but the batch axis 0");
            call(new Concatenate(layerName(null), (int) axis), ts);
        }

        private void slice(Node n) {
            Object v = value(0);
            if (v instanceof Zeros) {
                values.put(n.outputs().get(0), v);
                return;
            }
            if (v instanceof Const c && c.shape().length == 2 && isInitializer(0) && firstRows(n, c) != null) {
                values.put(n.outputs().get(0), new FirstRows(node.inputs().get(0), c, firstRows(n, c)));
                return;
            }
            if (!(v instanceof Const c) || c.shape().length != 1) throw unsupported("Slice of anything but a constant vector, or the first rows of a table");
            long start = constant(1, "starts").asLongs()[0], end = constant(2, "ends").asLongs()[0];
            long step = n.inputs().size() > 4 && !n.inputs().get(4).isEmpty() ? constant(4, "steps").asLongs()[0] : 1;
            if (step != 1) throw unsupported("Slice with step " + step);
            int len = c.size();
            int s = (int) Math.max(0, Math.min(len, start < 0 ? start + len : start)), e = (int) Math.max(s, Math.min(len, end < 0 ? end + len : end));
            long[] l = Arrays.copyOfRange(c.asLongs(), s, e);
            put(c.floats() != null ? new Const(new int[] {l.length}, Arrays.copyOfRange(c.floats(), s, e), null) : Const.ints(l));
        }

        /** The Slice's row count when it takes rows 0.. of a [rows, cols] table (axis 0, step 1), else null. */
        private Integer firstRows(Node n, Const table) {
            long[] starts = constant(1, "starts").asLongs(), ends = constant(2, "ends").asLongs();
            long[] axes = n.inputs().size() > 3 && !n.inputs().get(3).isEmpty() ? constant(3, "axes").asLongs() : new long[] {0};
            boolean step1 = n.inputs().size() <= 4 || n.inputs().get(4).isEmpty() || constant(4, "steps").asLongs()[0] == 1;
            if (starts.length != 1 || starts[0] != 0 || axes.length != 1 || axes[0] != 0 || !step1 || ends[0] <= 0) return null;
            return (int) Math.min(ends[0], table.shape()[0]);
        }

        private void cast(Node n) {
            Object v = value(0);
            long to = intAttr(n, "to", 0);
            if (v instanceof Columns c && c.table() == null) {
                alias(n); // a column of category indices cast to int64: Nabla's ids stay float32
                return;
            }
            if (v instanceof MaskOf m && (m.form().equals("not") && to == OnnxModel.FLOAT || m.form().equals("lengths"))) {
                values.put(n.outputs().get(0), m.form().equals("not") ? m.as("mask") : m);
                return;
            }
            if (v instanceof SymbolicTensor && to != OnnxModel.FLOAT && onlyGatherIndices(n.outputs().get(0))) {
                alias(n); // token ids: Nabla keeps them float32 holding integers, as its Embedding reads them
                return;
            }
            if (v instanceof SymbolicTensor) {
                if (to != OnnxModel.FLOAT) throw badAttribute("to", OnnxModel.typeName((int) to), "float (Nabla computes in float32)");
                alias(n);
                return;
            }
            Const c = (Const) v;
            put(to == OnnxModel.FLOAT || to == OnnxModel.DOUBLE ? new Const(c.shape(), c.asFloats(), null) : new Const(c.shape(), null, c.asLongs()));
        }

        /** Whether every use of {@code value} is as the indices of a Gather from a weight (an Embedding's ids). */
        private boolean onlyGatherIndices(String value) {
            boolean used = false;
            for (Node m : model.graph().nodes()) {
                if (!m.inputs().contains(value)) continue;
                if (!m.opType().equals("Gather") || m.inputs().indexOf(value) != 1 || !initializers.contains(m.inputs().get(0))) return false;
                used = true;
            }
            return used;
        }

        private void gemm(Node n) {
            if (intAttr(n, "transA", 0) != 0) throw badAttribute("transA", intAttr(n, "transA", 0), "0");
            requireFloat(n, "alpha", 1f, 1f);
            requireFloat(n, "beta", 1f, 1f);
            TensorData w = weight(1);
            boolean transB = intAttr(n, "transB", 0) == 1;
            float[] kernel = transB ? transpose2d(w.floats(), (int) w.dims()[0], (int) w.dims()[1]) : w.floats();
            int in = (int) w.dims()[transB ? 1 : 0], units = (int) w.dims()[transB ? 0 : 1];
            TensorData b = n.inputs().size() > 2 && !n.inputs().get(2).isEmpty() ? weight(2) : null;
            if (value(0) instanceof Factored f) {
                if (f.rank() != 2) throw unsupported("Gemm of a " + f.layout() + " value");
                values.put(n.outputs().get(0), project(f, kernel, in, units, b == null ? null : b.floats(), moduleName(w.name(), b == null ? null : b.name())));
                return;
            }
            dense(sym(0), in, units, kernel, b == null ? null : b.floats(), w.name(), n.outputs().get(0));
        }

        /** MatMul by a weight matrix, with the Add of a bias vector that follows it when that Add is its only use. */
        private void matMul(Node n) {
            if (!isInitializer(1)) {
                if (value(0) instanceof Factored fa && fa.content() instanceof Factored.Normalized
                        || value(1) instanceof Factored fb && fb.content() instanceof Factored.Normalized) {
                    call(normalizedDot(factored(0), factored(1)), ((Factored.Normalized) factored(0).content()).x(), ((Factored.Normalized) factored(1).content()).x());
                    return;
                }
                Factored attention = attentionMatMul(factored(0), factored(1));
                if (attention != null) {
                    values.put(n.outputs().get(0), attention);
                    return;
                }
                SymbolicTensor a = sym(0), b = sym(1);
                if (a.shape().length != 2 || b.shape().length != 2 || a.shape()[1] != b.shape()[0]) {
                    throw unsupported("MatMul of " + shapeOf(a) + " by " + shapeOf(b) + " (only [batch, m, k] by [batch, k, n], or attention's)");
                }
                call(new dev.nabla.nn.Dot(layerName(null), 2, 1, false), a, b); // a batched product
                return;
            }
            TensorData w = weight(1);
            boolean lazy = value(0) instanceof Factored || value(0) instanceof View v && v.layout() == Layout.TBF && v.source() instanceof SymbolicTensor
                    || feedsAttention(n.outputs().get(0), 0);
            SymbolicTensor a = lazy ? null : sym(0);
            if (w.dims().length != 2) throw unsupported("MatMul by a weight of shape " + Arrays.toString(w.dims()));
            int in = (int) w.dims()[0], units = (int) w.dims()[1];
            String out = n.outputs().get(0);
            Node add = biasAdd(out, units);
            float[] bias = null;
            String biasName = null;
            if (add != null) {
                consumed.add(add);
                String b = add.inputs().get(0).equals(out) ? add.inputs().get(1) : add.inputs().get(0);
                bias = inits.get(b).floats();
                biasName = b;
                out = add.outputs().get(0);
            }
            if (lazy) {
                values.put(out, project(factored(0), w.floats(), in, units, bias, moduleName(w.name(), biasName)));
                return;
            }
            dense(a, in, units, w.floats(), bias, w.name(), out);
        }

        private Node biasAdd(String value, int units) {
            if (consumers.getOrDefault(value, 0) != 1) return null;
            for (Node m : model.graph().nodes()) {
                if (!m.opType().equals("Add") || !m.inputs().contains(value) || m.inputs().size() != 2) continue;
                String other = m.inputs().get(0).equals(value) ? m.inputs().get(1) : m.inputs().get(0);
                TensorData b = inits.get(other);
                return b != null && b.floats() != null && b.count() == units && b.dims().length == 1 ? m : null;
            }
            return null;
        }

        private void dense(SymbolicTensor x, int in, int units, float[] kernel, float[] bias, String weightName, String output) {
            int[] s = x.shape();
            if (s[s.length - 1] != in) throw unsupported("a weight of " + in + " inputs on a tensor of shape " + shapeOf(x));
            values.put(output, layer(weightName, () -> new Dense(layerName(weightName), units, Activation.LINEAR, Initializers.glorotUniform(),
                    Initializers.zeros(), bias != null), bias == null ? List.of(kernel) : List.of(kernel, bias), x));
        }

        private void binary(Node n) {
            Object a = value(0), b = value(1);
            if (a instanceof Const ca && b instanceof Const cb) {
                put(arithmetic(n.opType(), ca, cb));
                return;
            }
            if (a instanceof Factored || b instanceof Factored) {
                Factored f = factoredBinary(n.opType(), a, b);
                if (f != null) {
                    values.put(n.outputs().get(0), f);
                    return;
                }
            }
            if (a instanceof MaskOf || b instanceof MaskOf) {
                values.put(n.outputs().get(0), maskBinary(n.opType(), a, b));
                return;
            }
            if (a instanceof SymbolicTensor && b instanceof Const && geluFromErf(n)) return;
            if (n.opType().equals("Mul") && a instanceof SymbolicTensor && a == b && (geluTanh(n) || l2Normalized(n))) return;
            if (n.opType().equals("Add") && (a instanceof Const || b instanceof Const || a instanceof FirstRows || b instanceof FirstRows)) {
                boolean tableFirst = a instanceof Const || a instanceof FirstRows;
                positions(tableFirst ? 1 : 0, tableFirst ? 0 : 1);
                return;
            }
            if (a instanceof Const || b instanceof Const) {
                throw unsupported("op " + n.opType() + " with a constant operand (only two computed tensors, or a bias after MatMul)");
            }
            SymbolicTensor x = sym(0), y = sym(1);
            if (!Arrays.equals(x.shape(), y.shape())) throw unsupported("op " + n.opType() + " broadcasting " + shapeOf(x) + " with " + shapeOf(y));
            String name = layerName(null);
            switch (n.opType()) {
                case "Add": call(new Add(name), x, y); return;
                case "Sub": call(new Subtract(name), x, y); return;
                case "Mul": call(new Multiply(name), x, y); return;
                case "Max": call(new dev.nabla.nn.Maximum(name), x, y); return;
                default: throw unsupported("op " + n.opType() + " of two computed tensors");
            }
        }

        /**
         * The exact GELU written with Erf: {@code ((erf(x / sqrt 2) + 1) * x) * 0.5} (x / sqrt 2 as a Div or a Mul by
         * 1 / sqrt 2), from its first node {@code n}; the chain's nodes become one GELU activation.
         */
        private boolean geluFromErf(Node n) {
            String x = n.inputs().get(0);
            float c = ((Const) value(1)).asFloats()[0];
            boolean scaled = ((Const) value(1)).size() == 1 && (n.opType().equals("Mul") ? Math.abs(c - 0.70710677f) < 1e-6f
                    : n.opType().equals("Div") && Math.abs(c - 1.4142135f) < 1e-6f);
            if (!scaled) return false;
            Node erf = onlyConsumer(n.outputs().get(0), "Erf");
            Node plusOne = erf == null ? null : onlyConsumer(erf.outputs().get(0), "Add");
            Node timesX = plusOne == null || !isScalar(plusOne, erf.outputs().get(0), 1f) ? null : onlyConsumer(plusOne.outputs().get(0), "Mul");
            if (timesX == null || !timesX.inputs().contains(x)) return false;
            Node half = onlyConsumer(timesX.outputs().get(0), "Mul");
            if (half == null || !isScalar(half, timesX.outputs().get(0), 0.5f)) return false;
            consumed.addAll(List.of(erf, plusOne, timesX, half));
            SymbolicTensor y = new ActivationLayer(layerName(null), Activation.GELU).call(sym(0));
            values.put(half.outputs().get(0), y);
            return true;
        }

        /** Zeros of a shape holding the batch size (a recurrent op's initial state); a constant when the shape is known. */
        private void constantOfShape(Node n) {
            long[] shape = constant(0, "shape").asLongs();
            Attribute value = n.attributes().get("value");
            float v = value == null || value.t() == null ? 0 : Const.of(value.t()).asFloats()[0];
            if (Arrays.stream(shape).anyMatch(OnnxImporter::isBatch)) {
                if (v != 0) throw unsupported("ConstantOfShape of " + v + " to a shape with the batch size " + show(shape));
                values.put(n.outputs().get(0), new Zeros());
                return;
            }
            int count = 1;
            int[] dims = new int[shape.length];
            for (int i = 0; i < shape.length; i++) count *= dims[i] = (int) shape[i];
            float[] f = new float[count];
            Arrays.fill(f, v);
            put(new Const(dims, f, null));
        }

        /**
         * The parts of one tensor's CategoryEmbedding, in its order: the numeric columns (all the others, in order), then
         * each index column's flattened rows, in column order.
         */
        private SymbolicTensor categoryEmbedding(List<Columns> parts) {
            SymbolicTensor x = parts.get(0).x();
            List<Columns> tables = parts.stream().filter(p -> p.table() != null).toList();
            long[] indexColumns = tables.stream().mapToLong(p -> p.columns()[0]).toArray();
            long[] numeric = java.util.stream.LongStream.range(0, x.shape()[0]).filter(c -> Arrays.stream(indexColumns).noneMatch(i -> i == c)).toArray();
            List<Columns> expected = new ArrayList<>();
            if (numeric.length > 0) expected.add(new Columns(x, numeric, null, false));
            boolean ok = parts.stream().allMatch(p -> p.x() == x && (p.table() == null || p.flat())) && indexColumns.length > 0
                    && parts.size() == (numeric.length > 0 ? 1 : 0) + tables.size() && (numeric.length == 0 || Arrays.equals(parts.get(0).columns(), numeric))
                    && Arrays.equals(indexColumns, Arrays.stream(indexColumns).sorted().distinct().toArray()) && parts.subList(parts.size() - tables.size(), parts.size()).equals(tables);
            if (!ok) throw unsupported("a Concat of columns and embedded columns other than a CategoryEmbedding's (numeric columns, then each index column's rows in order)");
            int[] cols = Arrays.stream(indexColumns).mapToInt(c -> (int) c).toArray();
            int[] vocab = tables.stream().mapToInt(p -> (int) p.table().dims()[0]).toArray(), dims = tables.stream().mapToInt(p -> (int) p.table().dims()[1]).toArray();
            // Nabla's tables are <layer>_<column>/embeddings; a PyTorch one names the layer after its module
            String table = tables.get(0).table().name(), module = table.substring(0, Math.max(0, Math.max(table.lastIndexOf('/'), table.lastIndexOf('.'))));
            String suffix = "_" + cols[0];
            String name = unique(module.endsWith(suffix) ? module.substring(0, module.length() - suffix.length()) : module.isEmpty() ? "category_embedding" : module);
            dev.nabla.nn.CategoryEmbedding layer = new dev.nabla.nn.CategoryEmbedding(name, cols, vocab, dims);
            SymbolicTensor y = layer.call(x);
            setWeights(layer, tables.stream().map(p -> p.table().floats()).toList());
            return y;
        }

        /** Zero padding of the two spatial axes of [batch, channels, h, w]: a ZeroPadding2D. */
        private void pad(Node n) {
            SymbolicTensor x = sym(0);
            String mode = stringAttr(n, "mode", "constant");
            if (!mode.equals("constant")) throw badAttribute("mode", mode, "constant");
            long[] p = constant(1, "pads").asLongs();
            boolean zero = n.inputs().size() < 3 || n.inputs().get(2).isEmpty() || constant(2, "constant_value").asFloats()[0] == 0;
            if (!zero || n.inputs().size() > 3 && !n.inputs().get(3).isEmpty()) throw unsupported("Pad with a value other than 0 or with axes");
            if (x.shape().length != 3 || p.length != 8 || p[0] != 0 || p[1] != 0 || p[4] != 0 || p[5] != 0 || Arrays.stream(p).anyMatch(v -> v < 0)) {
                throw unsupported("Pad by " + Arrays.toString(p) + " of a tensor of shape " + shapeOf(x) + " (only the spatial axes of [batch, c, h, w])");
            }
            call(new ZeroPadding2D(layerName(null), (int) p[2], (int) p[6], (int) p[3], (int) p[7]), x); // top, bottom, left, right
        }

        /** Nearest upsampling of [batch, c, h, w] by whole factors, reading pixel floor(y / scale): an UpSampling2D. */
        private void resize(Node n) {
            SymbolicTensor x = sym(0);
            for (String[] a : new String[][] {{"mode", "nearest"}, {"coordinate_transformation_mode", "asymmetric"}, {"nearest_mode", "floor"}}) {
                String v = stringAttr(n, a[0], a[0].equals("mode") ? "nearest" : a[0].equals("nearest_mode") ? "round_prefer_floor" : "half_pixel");
                if (!v.equals(a[1])) throw badAttribute(a[0], v, a[1]);
            }
            if (n.inputs().size() < 3 || n.inputs().get(2).isEmpty()) throw unsupported("Resize without scales");
            float[] sc = constant(2, "scales").asFloats();
            if (x.shape().length != 3 || sc.length != 4 || sc[0] != 1 || sc[1] != 1 || sc[2] != Math.rint(sc[2]) || sc[3] != Math.rint(sc[3]) || sc[2] < 1 || sc[3] < 1) {
                throw unsupported("Resize by scales " + Arrays.toString(sc) + " of a tensor of shape " + shapeOf(x) + " (only whole factors of h and w)");
            }
            call(new dev.nabla.nn.UpSampling2D(layerName(null), (int) sc[2], (int) sc[3]), x);
        }

        /**
         * The tanh GELU written out: {@code ((1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) * x) * 0.5}, from its first node
         * Mul(x, x); the chain becomes one GELU_TANH activation.
         */
        private boolean geluTanh(Node n) {
            String x = n.inputs().get(0);
            if (!n.inputs().get(1).equals(x)) return false;
            Node cube = onlyConsumer(n.outputs().get(0), "Mul");
            if (cube == null || !cube.inputs().contains(x)) return false;
            Node scaled = onlyConsumer(cube.outputs().get(0), "Mul");
            if (scaled == null || !isScalar(scaled, cube.outputs().get(0), 0.044715f)) return false;
            Node inner = onlyConsumer(scaled.outputs().get(0), "Add");
            if (inner == null || !inner.inputs().contains(x)) return false;
            Node times = onlyConsumer(inner.outputs().get(0), "Mul");
            if (times == null || !isScalar(times, inner.outputs().get(0), (float) Math.sqrt(2 / Math.PI))) return false;
            Node tanh = onlyConsumer(times.outputs().get(0), "Tanh");
            Node plusOne = tanh == null ? null : onlyConsumer(tanh.outputs().get(0), "Add");
            if (plusOne == null || !isScalar(plusOne, tanh.outputs().get(0), 1f)) return false;
            Node timesX = onlyConsumer(plusOne.outputs().get(0), "Mul");
            if (timesX == null || !timesX.inputs().contains(x)) return false;
            Node half = onlyConsumer(timesX.outputs().get(0), "Mul");
            if (half == null || !isScalar(half, timesX.outputs().get(0), 0.5f)) return false;
            consumed.addAll(List.of(cube, scaled, inner, times, tanh, plusOne, timesX, half));
            values.put(half.outputs().get(0), new ActivationLayer(layerName(null), Activation.GELU_TANH).call(sym(0)));
            return true;
        }

        /**
         * {@code x / sqrt(max(sum(x * x, axis, keepdims), eps))} from its first node Mul(x, x): x normalised along the
         * axis, kept factored until the MatMul of a normalising Dot reads it.
         */
        private boolean l2Normalized(Node n) {
            String x = n.inputs().get(0);
            Node sum = onlyConsumer(n.outputs().get(0), "ReduceSum");
            if (sum == null || intAttr(sum, "keepdims", 1) != 1 || sum.inputs().size() < 2) return false;
            Object axes = values.get(sum.inputs().get(1));
            if (!(axes instanceof Const c) || c.size() != 1) return false;
            Node max = onlyConsumer(sum.outputs().get(0), "Max");
            if (max == null || !isScalar(max, sum.outputs().get(0), dev.nabla.nn.Dot.EPSILON)) return false;
            Node sqrt = onlyConsumer(max.outputs().get(0), "Sqrt");
            Node div = sqrt == null ? null : onlyConsumer(sqrt.outputs().get(0), "Div");
            if (div == null || !div.inputs().get(0).equals(x) || !div.inputs().get(1).equals(sqrt.outputs().get(0))) return false;
            SymbolicTensor t = sym(0);
            int axis = (int) axis(c.asLongs()[0], t.shape().length + 1);
            if (axis == 0) return false;
            consumed.addAll(List.of(sum, max, sqrt, div));
            Factored natural = Factored.of(t);
            values.put(div.outputs().get(0), natural.with(new Factored.Normalized(t, axis), natural.axes()));
            return true;
        }

        /**
         * The MatMul of a normalising Dot's export: [batch, x's other axes, x's axis] by [batch, y's axis, y's other
         * axes], both normalised: Nabla's Dot of x and y on those axes, normalising (its output, in the same order,
         * is what the Reshape after the MatMul reads).
         */
        private dev.nabla.nn.Dot normalizedDot(Factored a, Factored b) {
            if (a == null || b == null || !(a.content() instanceof Factored.Normalized na) || !(b.content() instanceof Factored.Normalized nb)
                    || a.rank() != 3 || b.rank() != 3 || a.scale() != 1 || b.scale() != 1 || !a.axes().get(0).equals(List.of(Factored.batch()))
                    || !b.axes().get(0).equals(List.of(Factored.batch()))) {
                throw unsupported("MatMul of normalised tensors other than a normalising Dot's");
            }
            List<Factored.Atom> ax = Factored.of(na.x()).axes().get(na.axis()), ay = Factored.of(nb.x()).axes().get(nb.axis());
            List<Factored.Atom> xo = new ArrayList<>(), yo = new ArrayList<>();
            for (List<Factored.Atom> axis : Factored.of(na.x()).axes().subList(1, na.x().shape().length + 1)) if (!axis.equals(ax)) xo.addAll(axis);
            for (List<Factored.Atom> axis : Factored.of(nb.x()).axes().subList(1, nb.x().shape().length + 1)) if (!axis.equals(ay)) yo.addAll(axis);
            if (!a.axes().get(2).equals(ax) || !b.axes().get(1).equals(ay) || !a.axes().get(1).equals(xo) || !b.axes().get(2).equals(yo)
                    || ax.get(0).size() != ay.get(0).size()) {
                throw unsupported("MatMul of normalised " + a.layout() + " by " + b.layout() + " (only a normalising Dot's)");
            }
            return new dev.nabla.nn.Dot(layerName(null), na.axis(), nb.axis(), true);
        }

        /** The one node reading {@code value}, if it is an {@code op}. */
        private Node onlyConsumer(String value, String op) {
            if (consumers.getOrDefault(value, 0) != 1) return null;
            for (Node m : model.graph().nodes()) if (m.inputs().contains(value)) return m.opType().equals(op) ? m : null;
            return null;
        }

        /** Whether binary node m combines {@code value} with a constant scalar {@code v}. */
        private boolean isScalar(Node m, String value, float v) {
            if (m.inputs().size() != 2) return false;
            Object other = values.get(m.inputs().get(0).equals(value) ? m.inputs().get(1) : m.inputs().get(0));
            if (other == null) other = constantOf(m.inputs().get(0).equals(value) ? m.inputs().get(1) : m.inputs().get(0));
            return other instanceof Const k && k.size() == 1 && k.asFloats()[0] == v;
        }

        /** A Constant node's value read ahead of its turn (null if {@code name} is made by another op). */
        private Const constantOf(String name) {
            for (Node m : model.graph().nodes()) if (m.opType().equals("Constant") && m.outputs().contains(name)) return constantNode(m);
            return null;
        }

        /**
         * x [batch, T, D] + a [T, D] table: Nabla's SinusoidalPositionalEmbedding when the table is its sine table, else a
         * PositionalEmbedding whose trainable table is the initializer.
         */
        private void positions(int xi, int tablei) {
            SymbolicTensor x = sym(xi);
            int[] s = x.shape();
            if (value(tablei) instanceof FirstRows f) {
                Const t = f.table();
                if (s.length != 2 || f.rows() != s[0] || t.shape()[1] != s[1] || t.floats() == null) {
                    throw unsupported("op Add of rows of a table of shape " + Shape.str(t.shape()) + " to a tensor of shape " + shapeOf(x));
                }
                values.put(node.outputs().get(0), layer(f.name(), () -> new dev.nabla.nn.PositionalEmbedding(layerName(f.name()), t.shape()[0], s[1],
                        Initializers.zeros()), List.of(t.floats()), x));
                return;
            }
            Const c = (Const) value(tablei);
            if (s.length != 2 || !Arrays.equals(c.shape(), s) || c.floats() == null) {
                throw unsupported("op Add of a constant of shape " + Shape.str(c.shape()) + " to a tensor of shape " + shapeOf(x)
                        + " (only a [time, features] table added to a sequence, or a bias after MatMul)");
            }
            float[] sines = dev.nabla.nn.SinusoidalPositionalEmbedding.table(s[0], s[1]).data();
            boolean sinusoidal = true;
            for (int i = 0; i < sines.length && sinusoidal; i++) sinusoidal = Math.abs(sines[i] - c.floats()[i]) <= 1e-6f;
            if (sinusoidal) {
                call(new dev.nabla.nn.SinusoidalPositionalEmbedding(layerName(null)), x);
                return;
            }
            String table = node.inputs().get(tablei);
            values.put(node.outputs().get(0), layer(table, () -> new dev.nabla.nn.PositionalEmbedding(layerName(initializers.contains(table) ? table : null),
                    s[0], s[1], Initializers.zeros()), List.of(c.floats()), x));
        }

        /**
         * Arithmetic on constants: integers (shape vectors, where the symbolic batch size may be multiplied or divided
         * by a whole number) or floats (a scale computed from a shape).
         */
        private Const arithmetic(String op, Const a, Const b) {
            int n = Math.max(a.size(), b.size());
            if (a.size() != n && a.size() != 1 || b.size() != n && b.size() != 1) {
                throw unsupported(op + " of constants of shapes " + Shape.str(a.shape()) + " and " + Shape.str(b.shape()));
            }
            int[] shape = a.shape().length >= b.shape().length ? a.shape() : b.shape();
            if (a.floats() != null || b.floats() != null) {
                float[] x = a.asFloats(), y = b.asFloats(), out = new float[n];
                for (int i = 0; i < n; i++) {
                    float p = x[x.length == 1 ? 0 : i], q = y[y.length == 1 ? 0 : i];
                    out[i] = switch (op) {
                        case "Add" -> p + q;
                        case "Sub" -> p - q;
                        case "Mul" -> p * q;
                        case "Div" -> p / q;
                        default -> throw unsupported(op + " of float constants");
                    };
                }
                return new Const(shape, out, null);
            }
            long[] x = a.asLongs(), y = b.asLongs(), out = new long[n];
            for (int i = 0; i < n; i++) {
                long p = x[x.length == 1 ? 0 : i], q = y[y.length == 1 ? 0 : i];
                if (isBatch(p) || isBatch(q)) {
                    out[i] = batchArithmetic(op, p, q);
                    continue;
                }
                out[i] = switch (op) {
                    case "Add" -> p + q;
                    case "Sub" -> p - q;
                    case "Mul" -> p * q;
                    case "Mod" -> {
                        if (q == 0) throw unsupported("Mod by zero in a shape computation");
                        yield Math.floorMod(p, q);
                    }
                    default -> {
                        if (q == 0) throw unsupported("Div by zero in a shape computation");
                        yield Math.floorDiv(p, q);
                    }
                };
            }
            return new Const(shape, null, out);
        }

        /** k * batch times or divided by a whole number m (exactly): (k * m) * batch, (k / m) * batch. */
        private long batchArithmetic(String op, long p, long q) {
            if (isBatch(p) && isBatch(q) || !(op.equals("Mul") || op.equals("Div") && isBatch(p))) throw unsupported(op + " on the symbolic batch size");
            long k = batchFactor(isBatch(p) ? p : q), m = isBatch(p) ? q : p;
            if (m <= 0 || op.equals("Div") && k % m != 0) throw unsupported(op + " of " + k + " * batch by " + m);
            long f = op.equals("Mul") ? k * m : k / m;
            if (f >= MAX_BATCH_FACTOR) throw unsupported(op + " of " + k + " * batch by " + m);
            return BATCH + f - 1;
        }

        private void activation(Node n, Activation a) {
            call(new ActivationLayer(layerName(null), a), sym(0));
        }

        private void conv(Node n) {
            SymbolicTensor x = sym(0);
            TensorData w = weight(1);
            TensorData b = n.inputs().size() > 2 && !n.inputs().get(2).isEmpty() ? weight(2) : null;
            int spatial = w.dims().length - 2;
            if (spatial != 1 && spatial != 2) throw unsupported("Conv with " + spatial + " spatial dimensions");
            if (intAttr(n, "group", 1) != 1) throw badAttribute("group", intAttr(n, "group", 1), "1");
            requireAutoPad(n);
            long[] k = w.dims(), strides = ints(n, "strides", spatial, 1), dilations = ints(n, "dilations", spatial, 1);
            long[] pads = ints(n, "pads", 2 * spatial, 0);
            int filters = (int) k[0], kernel = (int) k[2];
            List<float[]> weights = b == null ? List.of(w.floats()) : List.of(w.floats(), b.floats());
            String name = layerName(w.name());
            if (spatial == 1) {
                int padding = (int) pads[0];
                if (pads[0] != pads[1]) {
                    Conv1D same = new Conv1D(name, filters, kernel, (int) strides[0], -1, (int) dilations[0], b != null, Activation.LINEAR,
                            Initializers.glorotUniform(), Initializers.zeros());
                    if (!Arrays.equals(same.pads(x.shape()[1]), new int[] {(int) pads[0], (int) pads[1]})) {
                        throw badAttribute("pads", Arrays.toString(pads), "the same on both ends, or SAME's");
                    }
                    padding = -1;
                }
                final int p = padding;
                values.put(n.outputs().get(0), layer(w.name(), () -> new Conv1D(name, filters, kernel, (int) strides[0], p, (int) dilations[0], b != null,
                        Activation.LINEAR, Initializers.glorotUniform(), Initializers.zeros()), weights, x));
                return;
            }
            if (k[2] != k[3]) throw badAttribute("kernel_shape", Arrays.toString(Arrays.copyOfRange(k, 2, 4)), "a square kernel");
            if (strides[0] != strides[1]) throw badAttribute("strides", Arrays.toString(strides), "equal strides");
            if (dilations[0] != 1 || dilations[1] != 1) throw badAttribute("dilations", Arrays.toString(dilations), "1, 1");
            boolean same = strides[0] == 1 && kernel % 2 == 1 && Arrays.stream(pads).allMatch(p -> p == (kernel - 1) / 2);
            boolean none = Arrays.stream(pads).allMatch(p -> p == 0);
            SymbolicTensor in = x;
            if (!same && !none) {
                in = new ZeroPadding2D(layerName(null), (int) pads[0], (int) pads[2], (int) pads[1], (int) pads[3]).call(x); // top, bottom, left, right
            }
            values.put(n.outputs().get(0), layer(w.name(), () -> new Conv2D(name, filters, kernel, (int) strides[0], same && kernel > 1 ? Padding.SAME
                    : Padding.VALID, b != null, Activation.LINEAR, Initializers.glorotUniform(), Initializers.zeros()), weights, in));
        }

        private void pool(Node n) {
            SymbolicTensor x = sym(0);
            int spatial = x.shape().length - 1;
            requireAutoPad(n);
            if (intAttr(n, "ceil_mode", 0) != 0) throw badAttribute("ceil_mode", intAttr(n, "ceil_mode", 0), "0");
            long[] k = ints(n, "kernel_shape", spatial, -1), strides = ints(n, "strides", spatial, 1), pads = ints(n, "pads", 2 * spatial, 0);
            long[] dilations = ints(n, "dilations", spatial, 1);
            if (Arrays.stream(pads).anyMatch(p -> p != 0)) throw badAttribute("pads", Arrays.toString(pads), "0 (no padding)");
            if (Arrays.stream(dilations).anyMatch(d -> d != 1)) throw badAttribute("dilations", Arrays.toString(dilations), "1");
            boolean max = n.opType().equals("MaxPool");
            if (n.outputs().size() > 1 && !n.outputs().get(1).isEmpty()) throw unsupported("MaxPool's Indices output");
            String name = layerName(null);
            if (spatial == 1) {
                call(max ? new MaxPool1D(name, (int) k[0], (int) strides[0]) : new AvgPool1D(name, (int) k[0], (int) strides[0]), x);
                return;
            }
            if (spatial != 2) throw unsupported(n.opType() + " over " + spatial + " spatial dimensions");
            if (k[0] != k[1]) throw badAttribute("kernel_shape", Arrays.toString(k), "a square window");
            if (strides[0] != strides[1]) throw badAttribute("strides", Arrays.toString(strides), "equal strides");
            call(max ? new MaxPool2D(name, (int) k[0], (int) strides[0]) : new AvgPool2D(name, (int) k[0], (int) strides[0]), x);
        }

        /** A mean or max over one axis of a [batch, a, b] tensor, dropping it: the 1-D global poolings. */
        private void reduce(Node n) {
            long[] axes = n.inputs().size() > 1 && !n.inputs().get(1).isEmpty() ? constant(1, "axes").asLongs()
                    : n.attributes().containsKey("axes") ? n.attributes().get("axes").ints() : null;
            if (value(0) instanceof MaskOf m && m.form().equals("masked steps") && n.opType().equals("ReduceMax") && axes != null
                    && Arrays.equals(axes, new long[] {1}) && intAttr(n, "keepdims", 1) == 0) {
                values.put(n.outputs().get(0), m.as("masked max"));
                return;
            }
            SymbolicTensor x = sym(0);
            if (axes == null || axes.length != 1) throw badAttribute("axes", axes == null ? "all" : Arrays.toString(axes), "one axis");
            if (intAttr(n, "keepdims", 1) != 0) throw badAttribute("keepdims", intAttr(n, "keepdims", 1), "0");
            int rank = x.shape().length + 1;
            long axis = axis(axes[0], rank);
            if (rank != 3 || axis == 0) throw unsupported(n.opType() + " over axis " + axes[0] + " of a tensor of shape " + shapeOf(x));
            DataFormat format = axis == 1 ? DataFormat.CHANNELS_LAST : DataFormat.CHANNELS_FIRST;
            String name = layerName(null);
            call(n.opType().equals("ReduceMean") ? new GlobalAveragePooling1D(name, format) : new GlobalMaxPooling1D(name, format), x);
        }

        /** GlobalAveragePooling2D gives [batch, channels]; ONNX keeps the [1, 1] spatial axes, so a Reshape puts them back. */
        private void globalAveragePool(Node n) {
            SymbolicTensor x = sym(0);
            if (x.shape().length != 3) throw unsupported("GlobalAveragePool of a tensor of shape " + shapeOf(x));
            SymbolicTensor pooled = new GlobalAveragePooling2D(layerName(null)).call(x);
            call(new Reshape(layerName(null), x.shape()[0], 1, 1), pooled);
        }

        private void reshape(Node n) {
            long[] target = constant(1, "shape").asLongs();
            if (value(0) instanceof Const c) {
                put(new Const(constShape(target, c.size()), c.floats(), c.longs()));
                return;
            }
            if (value(0) instanceof View v && v.layout() != Layout.BTF && reshapeView(v, target)) return;
            if (value(0) instanceof Factored || value(0) instanceof View v && v.layout() != Layout.BTF) {
                Factored f = factored(0);
                if (f == null) throw unsupported("Reshape of a " + ((View) value(0)).layout() + " sequence to " + show(target));
                if (intAttr(n, "allowzero", 0) != 0 && Arrays.stream(target).anyMatch(t -> t == 0)) throw badAttribute("allowzero", 1, "0");
                Factored g = f.reshape(target, BATCH);
                if (g == null) throw unsupported("Reshape of a " + f.layout() + " value to " + show(target));
                values.put(n.outputs().get(0), g);
                return;
            }
            SymbolicTensor x = sym(0);
            if (intAttr(n, "allowzero", 0) != 0 && Arrays.stream(target).anyMatch(t -> t == 0)) throw badAttribute("allowzero", 1, "0");
            int sample = 1;
            for (int d : x.shape()) sample *= d;
            boolean batchFirst = target.length > 0 && (target[0] == BATCH || target[0] == 0 || target[0] == -1);
            if (!batchFirst) throw unsupported("Reshape to " + show(target) + ", which does not keep the batch dimension first");
            int[] out = new int[target.length - 1];
            int unknown = -1, known = 1;
            for (int i = 1; i < target.length; i++) {
                long t = target[i];
                if (t == 0) t = i < x.shape().length + 1 ? x.shape()[i - 1] : 0;
                if (t == -1) {
                    if (unknown >= 0 || target[0] == -1) throw unsupported("Reshape to " + show(target) + " with two unknown dimensions");
                    unknown = i - 1;
                    continue;
                }
                if (t <= 0 || isBatch(t)) throw unsupported("Reshape to " + show(target));
                out[i - 1] = (int) t;
                known *= (int) t;
            }
            if (unknown >= 0) out[unknown] = sample / known;
            int product = 1;
            for (int d : out) product *= d;
            if (product != sample) throw unsupported("Reshape of " + shapeOf(x) + " to " + show(target));
            if (out.length == 1) call(new Flatten(layerName(null)), x);
            else call(new Reshape(layerName(null), out), x);
        }

        /** The shape a constant of {@code size} values takes from a Reshape target (0 is not allowed for constants here). */
        private int[] constShape(long[] target, int size) {
            int[] out = new int[target.length];
            int unknown = -1, known = 1;
            for (int i = 0; i < target.length; i++) {
                if (target[i] == -1 && unknown < 0) unknown = i;
                else if (target[i] > 0) known *= (int) (out[i] = (int) target[i]);
                else throw unsupported("Reshape of a constant to " + show(target));
            }
            if (unknown >= 0) out[unknown] = size / known;
            return out;
        }

        private void transpose(Node n) {
            long[] perm = n.attributes().containsKey("perm") ? n.attributes().get("perm").ints() : null;
            Object in = value(0);
            if (perm != null && in instanceof View v && transposeView(v, perm)) return;
            if (perm != null && in instanceof SymbolicTensor t && t.shape().length == 2 && Arrays.equals(perm, new long[] {1, 0, 2})) {
                values.put(n.outputs().get(0), new View(t, Layout.TBF)); // time-major, for a recurrent op
                return;
            }
            if (perm != null && (in instanceof Factored || in instanceof SymbolicTensor t && perm.length > 0 && perm[0] != 0
                    || in instanceof View v && v.layout() == Layout.TBF && v.source() instanceof SymbolicTensor)) {
                Factored g = factored(0).transpose(perm);
                if (g == null) throw badAttribute("perm", Arrays.toString(perm), "a permutation of the " + factored(0).rank() + " axes");
                values.put(n.outputs().get(0), g);
                return;
            }
            SymbolicTensor x = sym(0);
            int rank = x.shape().length + 1;
            if (perm == null || perm.length != rank || perm[0] != 0) {
                throw badAttribute("perm", perm == null ? "reversed" : Arrays.toString(perm), "a permutation keeping the batch axis 0 first");
            }
            int[] dims = new int[rank - 1];
            for (int i = 1; i < rank; i++) dims[i - 1] = (int) perm[i];
            call(new Permute(layerName(null), dims), x);
        }

        private void batchNorm(Node n) {
            SymbolicTensor x = sym(0);
            if (intAttr(n, "training_mode", 0) != 0) throw badAttribute("training_mode", 1, "0 (inference form)");
            if (n.outputs().size() > 1) throw unsupported("BatchNormalization's running-statistics outputs");
            TensorData scale = weight(1), bias = weight(2), mean = weight(3), var = weight(4);
            float eps = floatAttr(n, "epsilon", 1e-5f), momentum = floatAttr(n, "momentum", 0.9f);
            // ONNX keeps momentum of the old average, Nabla (as PyTorch) weighs the new batch by momentum.
            values.put(n.outputs().get(0), layer(scale.name(), () -> new BatchNormalization(layerName(scale.name()), 1 - momentum, eps),
                    List.of(scale.floats(), bias.floats(), mean.floats(), var.floats()), x));
        }

        private void layerNorm(Node n) {
            SymbolicTensor x = sym(0);
            long axis = intAttr(n, "axis", -1);
            if (axis != -1 && axis != x.shape().length) throw badAttribute("axis", axis, "the last axis, -1");
            if (n.outputs().size() > 1) throw unsupported("LayerNormalization's mean and inverse-deviation outputs");
            TensorData scale = weight(1);
            int features = x.shape()[x.shape().length - 1];
            float[] bias = n.inputs().size() > 2 && !n.inputs().get(2).isEmpty() ? weight(2).floats() : new float[features];
            values.put(n.outputs().get(0), layer(scale.name(), () -> new LayerNormalization(layerName(scale.name()), floatAttr(n, "epsilon", 1e-5f)),
                    List.of(scale.floats(), bias), x));
        }

        /**
         * RNN (tanh) / LSTM / GRU: forward or bidirectional, zero (or no) initial state, no sequence lengths. ONNX
         * stacks the gates i, o, f, c (LSTM) and z, r, h (GRU); Nabla as PyTorch i, f, g, o and r, z, n: the blocks are
         * re-laid, the inverse of {@code OnnxExporter.recurrent}. The GRU must apply its reset gate after the hidden
         * product (linear_before_reset=1, as PyTorch).
         */
        private void recurrent(Node n) {
            boolean lstm = n.opType().equals("LSTM"), rnn = n.opType().equals("RNN");
            Object in = value(0);
            SymbolicTensor x;
            long layout = intAttr(n, "layout", 0);
            if (layout == 0 && in instanceof View v && v.layout() == Layout.TBF) x = materialize(v.source(), true);
            else if (layout == 0 && in instanceof SymbolicTensor) throw unsupported("a time-major input that is not a transposed batch-first tensor");
            else if (layout == 1) x = sym(0);
            else throw unsupported("input " + n.inputs().get(0) + " in this layout");
            String direction = stringAttr(n, "direction", "forward");
            if (!direction.equals("forward") && !direction.equals("bidirectional")) throw badAttribute("direction", direction, "forward or bidirectional");
            int dirs = direction.equals("forward") ? 1 : 2;
            if (!lstm && !rnn && intAttr(n, "linear_before_reset", 0) != 1) throw badAttribute("linear_before_reset", intAttr(n, "linear_before_reset", 0), "1, as PyTorch");
            if (lstm && intAttr(n, "input_forget", 0) != 0) throw badAttribute("input_forget", 1, "0");
            for (String a : new String[] {"activations", "clip", "activation_alpha", "activation_beta"}) {
                if (n.attributes().containsKey(a)) throw badAttribute(a, "given", "the default");
            }
            if (n.inputs().size() > 4 && !n.inputs().get(4).isEmpty() && !(value(4) instanceof MaskOf m && m.form().equals("lengths"))) {
                throw unsupported("sequence_lens other than the real steps of an Embedding's padding mask");
            }
            List<SymbolicTensor> states = new ArrayList<>();
            for (int i = 5; i < n.inputs().size(); i++) {
                if (n.inputs().get(i).isEmpty() || value(i) instanceof Zeros) continue;
                // [1, batch, H] from a [batch, H] tensor: Nabla's layer takes it as an extra input (h0, then c0)
                if (value(i) instanceof Unsqueezed u && Arrays.equals(u.axes(), new long[] {0}) && states.size() == i - 5) states.add(u.x());
                else throw unsupported("an initial state (input " + i + ") other than zeros or an unsqueezed [batch, hidden] tensor");
            }
            int h = (int) intAttr(n, "hidden_size", -1);
            TensorData w = weight(1), r = weight(2);
            int gates = lstm ? 4 : rnn ? 1 : 3, d = x.shape()[x.shape().length - 1];
            if (w.count() != (long) dirs * gates * h * d || r.count() != (long) dirs * gates * h * h) {
                throw unsupported("weights W " + Arrays.toString(w.dims()) + " and R " + Arrays.toString(r.dims()) + " for hidden_size " + h + " and " + d + " inputs");
            }
            float[] b = n.inputs().size() > 3 && !n.inputs().get(3).isEmpty() ? weight(3).floats() : new float[dirs * 2 * gates * h];
            int[] order = lstm ? new int[] {0, 2, 3, 1} : rnn ? new int[] {0} : new int[] {1, 0, 2}; // PyTorch block k is ONNX block order[k]
            List<float[]> weights = new ArrayList<>();
            for (int k = 0; k < dirs; k++) {
                weights.addAll(List.of(relaid(w.floats(), k * gates * h * d, d, h, order), relaid(r.floats(), k * gates * h * h, h, h, order),
                        relaid(b, k * 2 * gates * h, 1, h, order), relaid(b, (2 * k + 1) * gates * h, 1, h, order)));
            }
            if (!states.isEmpty() && (dirs != 1 || states.size() != (lstm ? 2 : 1))) throw unsupported("initial states of a " + direction + " " + n.opType());
            Pending p = new Pending(n.opType(), layerName(null), x, h, dirs, weights, states);
            List<String> outs = n.outputs();
            if (outs.size() > 0 && !outs.get(0).isEmpty()) values.put(outs.get(0), new View(p, Layout.T1BH));
            if (outs.size() > 1 && !outs.get(1).isEmpty()) values.put(outs.get(1), new View(p, Layout.ONE_BH));
            if (outs.size() > 2 && !outs.get(2).isEmpty()) values.put(outs.get(2), new View(p, null)); // Y_c: refused where used
        }

        private static float[] relaid(float[] from, int offset, int cols, int h, int[] order) {
            int block = h * cols;
            float[] into = new float[order.length * block];
            for (int k = 0; k < order.length; k++) System.arraycopy(from, offset + order[k] * block, into, k * block, block);
            return into;
        }

        /** The Nabla tensor of a view's source: a tensor, or a pending recurrent op made into a layer now. */
        private SymbolicTensor materialize(Object source, boolean sequences) {
            if (source instanceof SymbolicTensor t) return t;
            Pending p = (Pending) source;
            if (p.made != null) {
                if (p.sequences != sequences) throw unsupported("both the sequences and the last state of " + p.op + " " + p.name);
                return p.made;
            }
            dev.nabla.nn.Recurrent cell = switch (p.op) {
                case "LSTM" -> new dev.nabla.nn.LSTM(p.name, p.hidden, sequences);
                case "GRU" -> new dev.nabla.nn.GRU(p.name, p.hidden, sequences);
                default -> new dev.nabla.nn.SimpleRNN(p.name, p.hidden, sequences);
            };
            Layer layer = p.directions == 2 ? new dev.nabla.nn.Bidirectional(p.name, cell) : cell;
            List<SymbolicTensor> ins = new ArrayList<>(List.of(p.x));
            ins.addAll(p.states);
            p.made = layer.call(ins.toArray(new SymbolicTensor[0]));
            p.sequences = sequences;
            setWeights(layer, p.weights);
            return p.made;
        }

        /** A view consumed as an ordinary tensor: only the batch-first layouts are. */
        private SymbolicTensor plain(View v) {
            if (v.layout() == Layout.BTF) return materialize(v.source(), true);
            if (v.layout() == null) throw unsupported("a recurrent op's cell state Y_c as input");
            throw unsupported("an input whose batch axis is not first (" + v.layout() + " of a batch-first tensor; Nabla's layers need it first)");
        }

        /** The ONNX dims of a view, the batch symbolic. */
        private long[] viewDims(View v) {
            Object src = v.source();
            long t, f, dirs = 1;
            if (src instanceof SymbolicTensor s) {
                t = s.shape()[0];
                f = s.shape()[s.shape().length - 1];
            } else {
                Pending p = (Pending) src;
                t = p.x.shape()[0];
                f = p.hidden;
                dirs = p.directions;
            }
            return switch (v.layout()) {
                case TBF -> new long[] {t, BATCH, dirs * f};
                case BTF -> new long[] {BATCH, t, dirs * f};
                case T1BH -> new long[] {t, dirs, BATCH, f};
                case TB1H -> new long[] {t, BATCH, dirs, f};
                case BT1H -> new long[] {BATCH, t, dirs, f};
                case ONE_BH -> new long[] {dirs, BATCH, f};
                case B1H -> new long[] {BATCH, dirs, f};
            };
        }

        /** Transpose of a view: the permutations the exporters write around recurrent ops. */
        private boolean transposeView(View v, long[] perm) {
            String p = Arrays.toString(perm);
            Layout to = switch (v.layout() + " " + p) {
                case "TBF [1, 0, 2]" -> Layout.BTF;
                case "BTF [1, 0, 2]" -> Layout.TBF;
                case "T1BH [0, 2, 1, 3]" -> Layout.TB1H;
                case "T1BH [2, 0, 1, 3]" -> Layout.BT1H;
                case "ONE_BH [1, 0, 2]" -> Layout.B1H;
                default -> null;
            };
            if (to == null) return false;
            values.put(node.outputs().get(0), new View(v.source(), to));
            return true;
        }

        /** Reshape of a view merging its directions axis into the features (forward first, as Bidirectional's). */
        private boolean reshapeView(View v, long[] target) {
            long[] dims = viewDims(v);
            long f = dims[dims.length - 1] * (v.layout() == Layout.TBF || v.layout() == Layout.BTF ? 1 : dims[dims.length - 2]);
            if (target[target.length - 1] != f && target[target.length - 1] != -1) return false;
            Layout to = switch (v.layout()) {
                case TB1H -> target.length == 3 ? Layout.TBF : null;
                case BT1H -> target.length == 3 ? Layout.BTF : null;
                case B1H -> target.length == 2 ? Layout.BTF : null; // [B, H]: the last state, put below
                default -> null;
            };
            if (to == null) return false;
            if (v.layout() == Layout.B1H) values.put(node.outputs().get(0), materialize(v.source(), false));
            else values.put(node.outputs().get(0), new View(v.source(), to));
            return true;
        }

        /** Gather of one step: the last of a sequence (axis 1 of [B, T, H]) or the one direction of Y_h (axis 0). */
        private boolean gatherView(View v, Const idx, long axis) {
            if (idx.shape().length != 0) return false;
            long i = idx.asLongs()[0];
            long[] dims = viewDims(v);
            if (v.source() instanceof Pending p && p.directions != 1) return false; // the backward half's last state is at step 0
            if (v.layout() == Layout.BTF && axis == 1 && (i == -1 || i == dims[1] - 1)) {
                values.put(node.outputs().get(0), materialize(v.source(), false));
                return true;
            }
            if (v.layout() == Layout.ONE_BH && axis == 0 && (i == 0 || i == -1)) {
                values.put(node.outputs().get(0), materialize(v.source(), false));
                return true;
            }
            return false;
        }

        /** Expand of a zero scalar to a shape with the batch size: zeros (initial states). */
        private void expand(Node n) {
            Const shape = constant(1, "shape");
            if (value(0) instanceof Unsqueezed u && u.x().shape().length == 1 && Arrays.equals(u.axes(), new long[] {1})) {
                long[] t = shape.asLongs();
                if (t.length == 3 && (t[0] == 1 || t[0] == BATCH) && (t[2] == 1 || t[2] == u.x().shape()[0]) && t[1] > 0) {
                    call(new dev.nabla.nn.RepeatVector(layerName(null), (int) t[1]), u.x());
                    return;
                }
            }
            Const c = constant(0, "input");
            boolean zeros = true;
            for (float f : c.asFloats()) zeros &= f == 0;
            if (zeros && c.size() == 1) {
                values.put(n.outputs().get(0), new Zeros());
                return;
            }
            throw unsupported("Expand of a constant other than 0 to " + show(shape.asLongs()));
        }

        // ------------------------------------------------------------------ padding masks

        private final Map<SymbolicTensor, Long> paddingIndices = new java.util.IdentityHashMap<>();

        /**
         * The padding index of an Embedding reading {@code ids}: the scalar an Equal compares the same ids (or the
         * value they were cast from) with, as Nabla's export of a padding mask does; -1 if no node does.
         */
        private int paddingIndex(String ids) {
            Set<String> names = new HashSet<>(List.of(ids));
            for (Node m : model.graph().nodes()) if (m.opType().equals("Cast") && m.outputs().contains(ids)) names.add(m.inputs().get(0));
            for (Node m : model.graph().nodes()) {
                if (!m.opType().equals("Equal") || !names.contains(m.inputs().get(0))) continue;
                Object c = values.containsKey(m.inputs().get(1)) ? values.get(m.inputs().get(1)) : constantOf(m.inputs().get(1));
                if (c instanceof Const k && k.size() == 1) return (int) k.asLongs()[0];
            }
            return -1;
        }

        private void equal(Node n) {
            if (value(0) instanceof SymbolicTensor ids && value(1) instanceof Const c && c.size() == 1 && paddingIndices.containsKey(ids)
                    && paddingIndices.get(ids) == c.asLongs()[0]) {
                values.put(n.outputs().get(0), new MaskOf(ids, "equal", null));
                return;
            }
            throw unsupported("op Equal other than of token ids with their Embedding's padding index");
        }

        /** A mask of form {@code from} becomes {@code to}; anything else is refused. */
        private void maskStep(Node n, String from, String to) {
            if (value(0) instanceof MaskOf m && m.form().equals(from)) {
                values.put(n.outputs().get(0), m.as(to));
                return;
            }
            throw unsupported("op " + n.opType() + " other than on a padding mask");
        }

        /** Sums over the time axis: of the mask (the real steps per row), or of masked steps (a masked pooling). */
        private void reduceSum(Node n) {
            long[] axes = n.inputs().size() > 1 && !n.inputs().get(1).isEmpty() ? constant(1, "axes").asLongs()
                    : n.attributes().containsKey("axes") ? n.attributes().get("axes").ints() : null;
            boolean keep = intAttr(n, "keepdims", 1) != 0;
            if (value(0) instanceof MaskOf m && axes != null && Arrays.equals(axes, new long[] {1})) {
                if (m.form().equals("mask")) {
                    values.put(n.outputs().get(0), m.as(keep ? "count" : "lengths"));
                    return;
                }
                if (m.form().equals("masked product") && !keep) {
                    values.put(n.outputs().get(0), m.as("masked sum"));
                    return;
                }
            }
            throw unsupported("ReduceSum other than over the steps of a padding mask or of masked steps");
        }

        /**
         * The arithmetic of masked attention and pooling: (keys - 1) * 1e30 added to the scores, probabilities times the
         * keys (and the causal triangle), x times the steps summed and divided by max(count, 1).
         */
        private Object maskBinary(String op, Object a, Object b) {
            MaskOf m = a instanceof MaskOf x ? x : (MaskOf) b;
            Object other = m == a ? b : a;
            float k = other instanceof Const c && c.size() == 1 ? c.asFloats()[0] : Float.NaN;
            String form = m.form();
            if (op.equals("Sub") && m == a && form.equals("keys") && k == 1) return m.as("keys - 1");
            if (op.equals("Mul") && form.equals("mask") && other instanceof MaskOf o && o.form().equals("mask")) return m; // a merge's masks: Nabla multiplies them too
            if (op.equals("Mul") && form.equals("keys - 1") && k >= 1e4f) return m.as("bias");
            if (op.equals("Max") && form.equals("count") && k == 1) return m.as("count >= 1");
            if (op.equals("Add") && form.equals("bias") && other instanceof Factored f && f.content() instanceof Factored.Scores) return f;
            if (op.equals("Mul") && (form.equals("keys") || form.equals("causal keys")) && other instanceof Factored f
                    && f.content() instanceof Factored.Probabilities) {
                return f;
            }
            if (op.equals("Mul") && form.equals("keys") && other instanceof Const c && lowerTriangle(c)) return m.as("causal keys");
            if (op.equals("Mul") && form.equals("steps") && other instanceof SymbolicTensor x && x.shape().length == 2) {
                return new MaskOf(m.ids(), "masked product", x);
            }
            if (op.equals("Div") && m == a && form.equals("masked sum") && b instanceof MaskOf count && count.form().equals("count >= 1")) {
                SymbolicTensor y = new GlobalAveragePooling1D(layerName(null), DataFormat.CHANNELS_LAST).call(m.x());
                return y;
            }
            throw unsupported("op " + op + " of a padding mask (" + form + ") and a " + (other instanceof MaskOf o ? "mask (" + o.form() + ")"
                    : other instanceof Const c ? "constant of shape " + Shape.str(c.shape()) : "computed tensor"));
        }

        /** steps > 0.5 (the real steps) or count > 0.5 (the rows with any): the conditions of a masked max pooling. */
        private void greater(Node n) {
            if (value(0) instanceof MaskOf m && (m.form().equals("steps") || m.form().equals("count")) && value(1) instanceof Const c
                    && c.size() == 1 && c.asFloats()[0] == 0.5f) {
                values.put(n.outputs().get(0), m.as(m.form().equals("steps") ? "real steps" : "any real step"));
                return;
            }
            throw unsupported("op Greater other than on a padding mask");
        }

        /**
         * Where(real steps, x, -inf) then ReduceMax over time then Where(any real step, max, 0): Nabla's masked
         * GlobalMaxPooling1D, as its export writes it.
         */
        private void where(Node n) {
            Object c = value(0), a = value(1), b = value(2);
            if (c instanceof MaskOf m && m.form().equals("real steps") && a instanceof SymbolicTensor x && x.shape().length == 2
                    && b instanceof Const k && k.size() == 1 && k.asFloats()[0] == Float.NEGATIVE_INFINITY) {
                values.put(n.outputs().get(0), new MaskOf(m.ids(), "masked steps", x));
                return;
            }
            if (c instanceof MaskOf m && m.form().equals("any real step") && a instanceof MaskOf max && max.form().equals("masked max")
                    && max.ids() == m.ids() && b instanceof Const k && k.size() == 1 && k.asFloats()[0] == 0) {
                values.put(n.outputs().get(0), new GlobalMaxPooling1D(layerName(null), DataFormat.CHANNELS_LAST).call(max.x()));
                return;
            }
            throw unsupported("op Where other than in a masked max pooling");
        }

        /** Whether c is a square [T, T] of ones on and below the diagonal and zeros above it. */
        private static boolean lowerTriangle(Const c) {
            int[] s = c.shape();
            if (s.length != 2 || s[0] != s[1] || c.floats() == null) return false;
            for (int i = 0; i < s[0]; i++) for (int j = 0; j < s[1]; j++) if (c.floats()[i * s[1] + j] != (j <= i ? 1 : 0)) return false;
            return true;
        }

        // ------------------------------------------------------------------ attention subgraphs

        /** Input i as a factored value: one already, a time-major view of a tensor, or a tensor; null for a constant. */
        private Factored factored(int i) {
            Object v = value(i);
            if (v instanceof Factored f) return f;
            if (v instanceof View view && view.layout() == Layout.TBF && view.source() instanceof SymbolicTensor t) {
                return Factored.of(t).transpose(new long[] {1, 0, 2});
            }
            if (v instanceof SymbolicTensor t) return Factored.of(t);
            if (v instanceof View view) return Factored.of(plain(view));
            return null;
        }

        /**
         * Whether {@code value} flows, through reshapes, transposes, scalings and bias additions only, into a MatMul of
         * two computed tensors: the projections of an attention, kept factored until the heads are known.
         */
        private boolean feedsAttention(String value, int depth) {
            if (depth > 8) return false;
            for (Node m : model.graph().nodes()) {
                if (!m.inputs().contains(value)) continue;
                switch (m.opType()) {
                    case "MatMul":
                        if (m.inputs().stream().noneMatch(initializers::contains)) return true;
                        break;
                    case "Add", "Mul", "Div", "Reshape", "Transpose", "Squeeze", "Unsqueeze", "Gather":
                        if (feedsAttention(m.outputs().get(0), depth + 1)) return true;
                        break;
                    default:
                }
            }
            return false;
        }

        /** A weight's module: its own name, or its bias's when the exporter left the weight anonymous ({@code val_4}). */
        private static String moduleName(String kernel, String bias) {
            return bias != null && !kernel.contains(".") && !kernel.contains("/") ? bias : kernel;
        }

        /** x @ kernel (+ bias) on a factored value: the projection of a source, or the output projection of attention. */
        private Factored project(Factored x, float[] kernel, int in, int out, float[] bias, String name) {
            if (x.content() instanceof Factored.Projection || x.content() instanceof Factored.Output) x = Factored.of(plain(x)); // e.g. attention on attention
            List<Factored.Atom> last = x.last();
            if (x.content() instanceof Factored.Source s && x.scale() == 1 && last.equals(List.of(new Factored.Atom("f", in, 1)))) {
                List<List<Factored.Atom>> axes = new ArrayList<>(x.axes());
                axes.set(axes.size() - 1, List.of(new Factored.Atom("n", out, 1)));
                return x.with(new Factored.Projection(s.x(), kernel, in, out, bias, name), axes);
            }
            if (x.content() instanceof Factored.Attended a && last.equals(List.of(new Factored.Atom("o", in, 1)))
                    && x.axes().subList(0, x.rank() - 1).stream().flatMap(List::stream).noneMatch(t -> t.label().equals("o"))) {
                List<List<Factored.Atom>> axes = new ArrayList<>(x.axes());
                axes.set(axes.size() - 1, List.of(new Factored.Atom("d", out, 1)));
                return x.with(new Factored.Output(a, kernel, in, out, bias, name), axes);
            }
            throw unsupported("a product of a " + x.layout() + " value by a weight [" + in + ", " + out + "]");
        }

        /** Queries by keys (the scores), or probabilities by values (the attended values); null for any other product. */
        private Factored attentionMatMul(Factored a, Factored b) {
            if (a == null || b == null) throw unsupported("MatMul of a computed tensor by a constant that is not an initializer");
            if (a.content() instanceof Factored.Projection && b.content() instanceof Factored.Projection) return scores(a, b);
            if (a.content() instanceof Factored.Probabilities p) return attended(p, a, b);
            return null;
        }

        /**
         * The heads of a projection laid out as [batch axes (batch, head digit)..., time, keyDim digit] (or, for keys,
         * its last two axes swapped): {heads, keyDim}, or null.
         */
        private static int[] heads(Factored p, int timeAxis, int depthAxis) {
            List<Factored.Atom> depth = p.axes().get(depthAxis), time = p.axes().get(timeAxis);
            if (depth.size() != 1 || !depth.get(0).label().equals("n") || depth.get(0).stride() != 1) return null;
            if (time.size() != 1 || !time.get(0).label().startsWith("t")) return null;
            int keyDim = depth.get(0).size(), heads = 1, batches = 0;
            for (int i = 0; i < p.rank(); i++) {
                if (i == timeAxis || i == depthAxis) continue;
                for (Factored.Atom t : p.axes().get(i)) {
                    if (t.label().equals("b")) batches++;
                    else if (t.label().equals("n") && t.stride() == keyDim && heads == 1) heads = t.size();
                    else return null;
                }
            }
            Factored.Projection proj = (Factored.Projection) p.content();
            if (batches != 1 || ((SymbolicTensor) proj.x()).shape().length != 2 || p.offset() + heads * keyDim > proj.out()) return null;
            return new int[] {heads, keyDim};
        }

        private static List<List<Factored.Atom>> batchAxes(Factored p, int count) {
            List<List<Factored.Atom>> out = new ArrayList<>();
            for (List<Factored.Atom> axis : p.axes().subList(0, count)) {
                List<Factored.Atom> relabelled = new ArrayList<>();
                for (Factored.Atom t : axis) relabelled.add(t.label().equals("n") ? new Factored.Atom("o", t.size(), t.stride()) : t);
                out.add(relabelled);
            }
            return out;
        }

        private Factored scores(Factored q, Factored k) {
            int r = q.rank();
            int[] hq = r >= 3 && k.rank() == r ? heads(q, r - 2, r - 1) : null, hk = hq == null ? null : heads(k, r - 1, r - 2);
            if (hq == null || !Arrays.equals(hq, hk) || !q.axes().subList(0, r - 2).equals(k.axes().subList(0, r - 2))) {
                return null; // not attention's [batch, heads, Tq, keyDim] by [batch, heads, keyDim, Tk]: a plain product, if anything
            }
            List<List<Factored.Atom>> axes = batchAxes(q, r - 2);
            axes.add(List.of(new Factored.Atom("tq", q.axes().get(r - 2).get(0).size(), 1)));
            axes.add(List.of(new Factored.Atom("tk", k.axes().get(r - 1).get(0).size(), 1)));
            return new Factored(new Factored.Scores(q, k, hq[0], hq[1], false), Factored.normal(axes), 0, q.scale() * k.scale());
        }

        private Factored softmax(Factored f, long axis) {
            if (!(f.content() instanceof Factored.Scores s) || axis(axis, f.rank()) != f.rank() - 1 || !f.last().get(0).label().equals("tk")) {
                throw unsupported("Softmax over axis " + axis + " of a " + f.layout() + " value (only attention scores, over the keys)");
            }
            return f.with(new Factored.Probabilities(s, f.scale()), f.axes());
        }

        private Factored attended(Factored.Probabilities p, Factored probs, Factored v) {
            int r = probs.rank();
            Factored.Scores s = p.scores();
            int[] hv = v.rank() == r && v.content() instanceof Factored.Projection ? heads(v, r - 2, r - 1) : null;
            if (hv == null || hv[0] != s.heads() || hv[1] != s.keyDim() || !batchAxes(v, r - 2).equals(probs.axes().subList(0, r - 2))
                    || v.axes().get(r - 2).get(0).size() != probs.last().get(0).size()) {
                throw unsupported("MatMul of attention probabilities " + probs.layout() + " by values " + v.layout());
            }
            List<List<Factored.Atom>> axes = new ArrayList<>(probs.axes().subList(0, r - 1));
            axes.add(List.of(new Factored.Atom("o", s.keyDim(), 1)));
            return new Factored(new Factored.Attended(p, v), Factored.normal(axes), 0, 1f);
        }

        /** Add, Sub, Mul, Div on a factored value: a scaling, a bias, a causal mask; null for the tensor ops. */
        private Factored factoredBinary(String op, Object a, Object b) {
            Factored f = a instanceof Factored x ? x : (Factored) b;
            Object other = f == a ? b : a;
            if (!(other instanceof Const c)) return null;
            float[] v = c.asFloats();
            Object content = f.content();
            if ((op.equals("Mul") || op.equals("Div") && f == a) && c.size() == 1 && (content instanceof Factored.Projection || content instanceof Factored.Scores)) {
                return f.scaled(op.equals("Mul") ? v[0] : 1 / v[0]);
            }
            if (op.equals("Add") && content instanceof Factored.Projection p && p.bias() == null && f.offset() == 0
                    && f.last().equals(List.of(new Factored.Atom("n", p.out(), 1))) && c.shape().length == 1 && v.length == p.out()) {
                return f.with(new Factored.Projection(p.x(), p.kernel(), p.in(), p.out(), v, p.name()), f.axes());
            }
            if (op.equals("Add") && content instanceof Factored.Output o && o.bias() == null
                    && f.last().equals(List.of(new Factored.Atom("d", o.out(), 1))) && c.shape().length == 1 && v.length == o.out()) {
                return f.with(new Factored.Output(o.attended(), o.kernel(), o.in(), o.out(), v, o.name()), f.axes());
            }
            if (op.equals("Add") && content instanceof Factored.Scores s && !s.causal() && causalMask(f, c)) {
                return f.with(new Factored.Scores(s.query(), s.key(), s.heads(), s.keyDim(), true), f.axes());
            }
            throw unsupported("op " + op + " of a " + f.layout() + " value and a constant of shape " + Shape.str(c.shape()));
        }

        /** Whether c is [.., Tq, Tk] of 0 on and below the diagonal and a large negative number above it. */
        private static boolean causalMask(Factored scores, Const c) {
            int[] s = c.shape();
            int tq = scores.axes().get(scores.rank() - 2).get(0).size(), tk = scores.last().get(0).size();
            if (s.length < 2 || s[s.length - 2] != tq || s[s.length - 1] != tk || c.size() != tq * tk || c.floats() == null) return false;
            for (int i = 0; i < tq; i++) {
                for (int j = 0; j < tk; j++) {
                    float m = c.floats()[i * tk + j];
                    if (j <= i ? m != 0 : m > -1e4f) return false;
                }
            }
            return true;
        }

        private final Map<Object, SymbolicTensor> madeFromFactored = new java.util.IdentityHashMap<>();
        private final Map<Object, List<Map.Entry<List<List<Factored.Atom>>, SymbolicTensor>>> rearrangements = new java.util.IdentityHashMap<>();

        /**
         * A factored value consumed by an ordinary layer: it must be a whole batch-first tensor again. An attention's
         * output projection is a {@link dev.nabla.nn.MultiHeadAttention} with the weights re-laid into PyTorch's
         * in_proj / out_proj; a source is itself and a projection a Dense, their axes rearranged by Reshape and
         * Permute layers when the graph moved them (but kept the batch first).
         */
        private SymbolicTensor plain(Factored f) {
            Object c = f.content();
            if (c instanceof Factored.Output o && f.rank() == 3 && f.axes().get(0).equals(List.of(Factored.batch()))
                    && f.axes().get(1).size() == 1 && f.axes().get(1).get(0).label().equals("tq")) {
                return madeFromFactored.computeIfAbsent(c, k -> multiHeadAttention(o));
            }
            if (c instanceof Factored.Source s && f.scale() == 1) return rearranged(s.x(), Factored.of(s.x()).axes(), f);
            if (c instanceof Factored.Projection p && f.offset() == 0) {
                SymbolicTensor dense = madeFromFactored.get(c);
                if (dense == null || f.scale() != 1) dense = dense(p, f.scale());
                if (f.scale() == 1) madeFromFactored.put(c, dense);
                return rearranged(dense, projectedAxes(p), f);
            }
            throw unsupported("an input whose batch axis is not first or whose axes are mixed (" + f.layout() + "; Nabla's layers need [batch, ...])");
        }

        /** A lazily kept projection as a Dense, {@code scale} folded into its weights. */
        private SymbolicTensor dense(Factored.Projection p, float scale) {
            float[] kernel = p.kernel().clone(), bias = p.bias() == null ? null : p.bias().clone();
            for (int i = 0; i < kernel.length; i++) kernel[i] *= scale;
            if (bias != null) for (int i = 0; i < bias.length; i++) bias[i] *= scale;
            Dense d = new Dense(layerName(p.name()), p.out(), Activation.LINEAR, Initializers.glorotUniform(), Initializers.zeros(), bias != null);
            SymbolicTensor y = d.call(p.x());
            setWeights(d, bias == null ? List.of(kernel) : List.of(kernel, bias));
            return y;
        }

        /**
         * {@code natural} (whose axes are {@code naturalAxes}) laid out as {@code f}: split into every atom f uses
         * (a Reshape), put in f's order (a Permute), grouped into f's axes (a Reshape); the batch stays first alone.
         */
        private SymbolicTensor rearranged(SymbolicTensor natural, List<List<Factored.Atom>> naturalAxes, Factored f) {
            if (f.axes().equals(naturalAxes)) return natural;
            for (Map.Entry<List<List<Factored.Atom>>, SymbolicTensor> e : rearrangements.getOrDefault(f.content(), List.of())) {
                if (e.getKey().equals(f.axes())) return e.getValue();
            }
            List<Factored.Atom> target = new ArrayList<>();
            for (List<Factored.Atom> axis : f.axes().subList(1, f.rank())) target.addAll(axis);
            if (!f.axes().get(0).equals(List.of(Factored.batch())) || target.contains(Factored.batch())) {
                throw unsupported("an input whose batch axis is not first (" + f.layout() + "; Nabla's layers need [batch, ...])");
            }
            List<Factored.Atom> fine = new ArrayList<>();
            for (List<Factored.Atom> axis : naturalAxes.subList(1, naturalAxes.size())) {
                for (Factored.Atom a : axis) {
                    List<Factored.Atom> pieces = new ArrayList<>(target.stream().filter(t -> t.label().equals(a.label())).toList());
                    pieces.sort((x, y) -> Integer.compare(y.stride(), x.stride()));
                    int stride = a.stride();
                    for (int k = pieces.size() - 1; k >= 0; k--) {
                        if (pieces.get(k).stride() != stride) throw unsupported("a " + f.layout() + " value that is not a rearrangement of its tensor");
                        stride *= pieces.get(k).size();
                    }
                    if (pieces.isEmpty() || stride != a.stride() * a.size()) throw unsupported("a " + f.layout() + " value that is not a rearrangement of its tensor");
                    fine.addAll(pieces);
                }
            }
            if (fine.size() != target.size()) throw unsupported("a " + f.layout() + " value that is not a rearrangement of its tensor");
            SymbolicTensor y = natural;
            int[] fineDims = fine.stream().mapToInt(Factored.Atom::size).toArray();
            if (!Arrays.equals(fineDims, y.shape())) y = new Reshape(layerName(null), fineDims).call(y);
            int[] perm = new int[target.size()];
            boolean identity = true;
            for (int i = 0; i < perm.length; i++) {
                perm[i] = fine.indexOf(target.get(i)) + 1;
                identity &= perm[i] == i + 1;
            }
            if (!identity) y = new Permute(layerName(null), perm).call(y);
            long[] dims = f.dims(BATCH);
            int[] grouped = new int[dims.length - 1];
            for (int i = 1; i < dims.length; i++) grouped[i - 1] = (int) dims[i];
            if (!Arrays.equals(grouped, y.shape())) y = new Reshape(layerName(null), grouped).call(y);
            rearrangements.computeIfAbsent(f.content(), k -> new ArrayList<>()).add(Map.entry(f.axes(), y));
            return y;
        }

        private static List<List<Factored.Atom>> projectedAxes(Factored.Projection p) {
            List<List<Factored.Atom>> axes = new ArrayList<>(Factored.of(p.x()).axes());
            axes.set(axes.size() - 1, List.of(new Factored.Atom("n", p.out(), 1)));
            return Factored.normal(axes);
        }

        /** The attention of an output projection as Nabla's layer: queries scaled so that Nabla's 1/sqrt(keyDim) gives the graph's scale. */
        private SymbolicTensor multiHeadAttention(Factored.Output o) {
            Factored.Attended at = o.attended();
            Factored.Scores s = at.probabilities().scores();
            Factored q = s.query(), k = s.key(), v = at.value();
            Factored.Projection pq = (Factored.Projection) q.content(), pk = (Factored.Projection) k.content(), pv = (Factored.Projection) v.content();
            int e = s.heads() * s.keyDim(), d = pq.in();
            float total = at.probabilities().scale();
            if (pk.in() != d || pv.in() != d || o.out() != d || o.in() != e) {
                throw unsupported("attention with inputs of " + pq.in() + ", " + pk.in() + ", " + pv.in() + " features and an output of " + o.out()
                        + " (MultiHeadAttention keeps the query's features)");
            }
            float[] w = new float[3 * e * d], b = new float[3 * e];
            block(w, b, 0, pq, q.offset(), e, (float) (total * Math.sqrt(s.keyDim())));
            block(w, b, e, pk, k.offset(), e, 1f);
            block(w, b, 2 * e, pv, v.offset(), e, v.scale());
            float[] ow = transpose2d(o.kernel(), e, d), ob = o.bias() == null ? new float[d] : o.bias();
            dev.nabla.nn.MultiHeadAttention mha = new dev.nabla.nn.MultiHeadAttention(layerName(pq.name()), s.heads(), s.keyDim(), s.causal());
            SymbolicTensor y;
            if (pq.x() == pk.x() && pk.x() == pv.x()) y = mha.call(pq.x());
            else if (pk.x() == pv.x()) y = mha.call(pq.x(), pk.x());
            else y = mha.call(pq.x(), pk.x(), pv.x());
            setWeights(mha, List.of(w, b, ow, ob));
            return y;
        }

        /** Rows [row0, row0 + e) of a PyTorch-layout [3e, d] weight from columns offset.. of a projection's [d, out] kernel. */
        private static void block(float[] w, float[] b, int row0, Factored.Projection p, int offset, int e, float factor) {
            int d = p.in();
            for (int r = 0; r < e; r++) {
                for (int j = 0; j < d; j++) w[(row0 + r) * d + j] = p.kernel()[j * p.out() + offset + r] * factor;
                b[row0 + r] = p.bias() == null ? 0 : p.bias()[offset + r] * factor;
            }
        }

        // ------------------------------------------------------------------ helpers

        /** Calls {@code layer} and records its output as the current node's first output. */
        private void call(Layer layer, SymbolicTensor... inputs) {
            SymbolicTensor y;
            try {
                y = layer.call(inputs);
            } catch (IllegalArgumentException e) {
                throw unsupported(e.getMessage());
            }
            values.put(node.outputs().get(0), y);
        }

        private void put(Const c) {
            values.put(node.outputs().get(0), c);
        }

        private Object value(int i) {
            if (i >= node.inputs().size() || node.inputs().get(i).isEmpty()) throw unsupported("input " + i + " missing");
            Object v = values.get(node.inputs().get(i));
            if (v == null) throw unsupported("input " + node.inputs().get(i) + " is made by no earlier node");
            return v;
        }

        private SymbolicTensor sym(int i) {
            return sym(value(i), node.inputs().get(i));
        }

        /** A value read as a tensor: views and factored values made whole again; {@code name} names it in errors. */
        private SymbolicTensor sym(Object v, String name) {
            if (v instanceof SymbolicTensor t) return t;
            if (v instanceof Unsqueezed u) {
                int[] shape = u.shape();
                if (shape == null) throw unsupported("a tensor unsqueezed before its batch axis as an input");
                Reshape r = new Reshape(layerName(null), shape);
                return r.call(u.x());
            }
            if (v instanceof View view) return plain(view);
            if (v instanceof Factored f) return plain(f);
            if (v instanceof MaskOf m) throw unsupported("a padding mask (" + m.form() + ") as the input of an ordinary layer");
            if (v instanceof Columns c && c.flat()) return categoryEmbedding(List.of(c));
            if (v instanceof Columns) throw unsupported("columns of a tensor (a Gather on axis 1) other than a CategoryEmbedding's parts");
            throw unsupported("a constant (" + name + ") as an input; Nabla needs a computed tensor here");
        }

        private Const constant(int i, String what) {
            Object v = value(i);
            if (v instanceof Const c) return c;
            throw unsupported("a computed " + what + " (input " + i + "); it must be known when the model is imported");
        }

        private boolean isInitializer(int i) {
            return i < node.inputs().size() && inits.containsKey(node.inputs().get(i));
        }

        private TensorData weight(int i) {
            if (!isInitializer(i)) throw unsupported("input " + i + " (" + (i < node.inputs().size() ? node.inputs().get(i) : "none")
                    + ") is not an initializer; Nabla's layer needs its weights here");
            TensorData t = inits.get(node.inputs().get(i));
            if (t.floats() == null) throw unsupported("initializer " + t.name() + " of type " + OnnxModel.typeName(t.dataType()) + " as a weight");
            return t;
        }

        private final Map<String, Layer> layersByWeight = new HashMap<>();

        /**
         * The layer whose first weight is initializer {@code key}, called on {@code xs}: made by {@code make} with
         * {@code weights} the first time; called again (a shared layer) when a Nabla file reads one initializer in
         * several nodes, since Nabla writes one per weight. Other exporters merge equal-valued parameters into one
         * initializer (PyTorch's three fresh LayerNorms of an encoder are one), so there each node gets its own copy.
         */
        private SymbolicTensor layer(String key, java.util.function.Supplier<Layer> make, List<float[]> weights, SymbolicTensor... xs) {
            Layer layer = nablaFile ? layersByWeight.get(key) : null;
            if (layer != null) return layer.call(xs);
            layer = make.get();
            SymbolicTensor y;
            try {
                y = layer.call(xs);
            } catch (IllegalArgumentException e) {
                throw unsupported(e.getMessage());
            }
            setWeights(layer, weights);
            layersByWeight.put(key, layer);
            return y;
        }

        /** Copies the ONNX values into the layer's weights, in the layer's weight order. */
        private void setWeights(Layer layer, List<float[]> arrays) {
            List<Weight> ws = layer.weights();
            for (int i = 0; i < ws.size(); i++) {
                float[] target = ws.get(i).value().data(), source = arrays.get(i);
                if (target.length != source.length) {
                    throw unsupported("weight " + ws.get(i).name() + " of shape " + Shape.str(ws.get(i).value().shape()) + " gets " + source.length + " values");
                }
                System.arraycopy(source, 0, target, 0, target.length);
            }
        }

        /**
         * A unique layer name: the module path of an initializer ({@code fc1.weight} -> {@code fc1}, Nabla's
         * {@code dense/kernel} -> {@code dense}; for TorchScript's anonymous {@code onnx::Conv_26} the module of its
         * node {@code /conv1/Conv}), else the node's name, else its op.
         */
        private String layerName(String initializer) {
            String base;
            if (initializer != null && initializer.startsWith("onnx::") && node.name().lastIndexOf('/') > 0) {
                base = node.name().substring(0, node.name().lastIndexOf('/')); // TorchScript's anonymous (folded) weight: the node's module, "/conv1/Conv"
            } else if (initializer != null) {
                int cut = Math.max(initializer.lastIndexOf('.'), initializer.lastIndexOf('/'));
                base = cut > 0 ? initializer.substring(0, cut) : initializer;
            } else {
                base = node.name().isEmpty() ? node.opType().toLowerCase(java.util.Locale.ROOT) : node.name();
            }
            base = base.replaceAll("^[/.:]+", "").replace('/', '.').replace(':', '.'); // "/1/Relu" -> "1.Relu"
            if (base.isEmpty()) base = node.opType().toLowerCase(java.util.Locale.ROOT);
            return unique(base);
        }

        /** {@code base}, or {@code base_1}, ... if a layer already has that name. */
        private String unique(String base) {
            String name = base;
            for (int k = 1; !usedNames.add(name); k++) name = base + "_" + k;
            return name;
        }

        private long intAttr(Node n, String name, long dflt) {
            Attribute a = n.attributes().get(name);
            return a == null ? dflt : a.i();
        }

        private float floatAttr(Node n, String name, float dflt) {
            Attribute a = n.attributes().get(name);
            return a == null ? dflt : a.f();
        }

        private String stringAttr(Node n, String name, String dflt) {
            Attribute a = n.attributes().get(name);
            return a == null || a.s() == null ? dflt : a.s();
        }

        private long[] ints(Node n, String name, int count, long dflt) {
            Attribute a = n.attributes().get(name);
            if (a == null) {
                if (dflt < 0) throw unsupported("attribute " + name + " missing");
                long[] l = new long[count];
                Arrays.fill(l, dflt);
                return l;
            }
            if (a.ints().length != count) throw badAttribute(name, Arrays.toString(a.ints()), count + " values");
            return a.ints();
        }

        private void requireFloat(Node n, String name, float dflt, float wanted) {
            float v = floatAttr(n, name, dflt);
            if (v != wanted) throw badAttribute(name, v, String.valueOf(wanted));
        }

        private void requireAutoPad(Node n) {
            String p = stringAttr(n, "auto_pad", "NOTSET");
            if (!p.equals("NOTSET") && !p.equals("VALID")) throw badAttribute("auto_pad", p, "NOTSET or VALID");
        }

        private IllegalArgumentException unsupported(String what) {
            return new IllegalArgumentException(origin + ": node " + node.label() + " (op " + node.opType() + ", opset " + opset + "): " + what
                    + " is not supported");
        }

        private IllegalArgumentException badAttribute(String name, Object value, String supported) {
            return new IllegalArgumentException(origin + ": node " + node.label() + " (op " + node.opType() + ", opset " + opset + "): attribute "
                    + name + "=" + value + " is not supported (only " + supported + ")");
        }

        private static long axis(long a, int rank) {
            return a < 0 ? a + rank : a;
        }

        private static String shapeOf(SymbolicTensor t) {
            return t.shapeString();
        }

        private static String show(long[] target) {
            StringBuilder s = new StringBuilder("[");
            for (int i = 0; i < target.length; i++) {
                long t = target[i];
                s.append(i > 0 ? ", " : "").append(!isBatch(t) ? String.valueOf(t) : t == BATCH ? "batch" : batchFactor(t) + " * batch");
            }
            return s.append(']').toString();
        }
    }

    private static float[] toFloats(long[] l) {
        float[] f = new float[l.length];
        for (int i = 0; i < f.length; i++) f[i] = l[i];
        return f;
    }

    private static float[] transpose2d(float[] a, int rows, int cols) {
        float[] t = new float[a.length];
        for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) t[c * rows + r] = a[r * cols + c];
        return t;
    }
}
