package dev.nabla.onnx;

import dev.nabla.io.AtomicFiles;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Bidirectional;
import dev.nabla.nn.Conv1D;
import dev.nabla.nn.DataFormat;
import dev.nabla.nn.Dot;
import dev.nabla.nn.CategoryEmbedding;
import dev.nabla.nn.Embedding;
import dev.nabla.nn.GlobalAveragePooling1D;
import dev.nabla.nn.GlobalPooling1D;
import dev.nabla.nn.Layer;
import dev.nabla.nn.Masks;
import dev.nabla.nn.MultiHeadAttention;
import dev.nabla.nn.Recurrent;
import dev.nabla.nn.SymbolicTensor;
import dev.nabla.nn.TransformerBlock;
import dev.nabla.nn.Weight;
import dev.nabla.train.Functional;
import dev.nabla.train.Model;
import dev.nabla.train.ModelFile;
import dev.nabla.train.Sequential;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.nabla.onnx.OnnxGraph.Attribute;

/**
 * Exports a built {@link Sequential} or functional model ({@link Model#of}) to ONNX (IR version 8, opset 17):
 * weights become initializers (a shared layer's once, read by each of its calls), the batch dimension is
 * symbolic. A functional model's graph inputs and outputs carry its input and output names; a Sequential is the
 * chain from one input named {@code input} to one output named {@code output}. The protobuf is written by a small
 * wire-format writer ({@link dev.nabla.io.ProtoWriter}): the handful of ONNX messages needed do not justify protobuf-java and
 * generated classes in a dependency-free module.
 *
 * <pre>{@code
 * OnnxExporter.export(model, Path.of("model.onnx"));
 * }</pre>
 *
 * Layers: Dense, ActivationLayer and every activation (GELU is composed from Erf / Tanh, opset 17 having no Gelu),
 * Embedding (Cast of the ids to int64, then Gather), CategoryEmbedding (a Gather of each column, the Embedding's, Concat), Conv1D and Conv2D (Conv), MaxPool1D, AvgPool1D, MaxPool2D,
 * AvgPool2D (MaxPool, AveragePool), GlobalAveragePooling1D and GlobalMaxPooling1D (ReduceMean, ReduceMax; over the
 * real steps only when an Embedding's padding mask reaches them, as in Nabla), GlobalAveragePooling2D, Flatten,
 * Reshape, BatchNormalization (inference form), LayerNormalization, Dropout (identity), Permute (Transpose), RepeatVector (Unsqueeze + Expand), ZeroPadding2D (Pad),
 * UpSampling2D (Resize, nearest); the merges Add, Subtract, Multiply, Maximum, Minimum (chains of the binary ops),
 * Average (Mean), Concatenate (Concat) and Dot (Transpose + Reshape + MatMul; normalised with ReduceSum, Max, Sqrt,
 * Div), SimpleRNN / LSTM / GRU / Bidirectional (ONNX's RNN / LSTM / GRU ops, gates reordered; see
 * {@code recurrent}); MultiHeadAttention, TransformerEncoderLayer, TransformerDecoderLayer, PositionalEmbedding and
 * SinusoidalPositionalEmbedding decomposed into standard ops ({@link TransformerOnnx}); a Sequential or functional
 * model used as a layer, inlined. Any other layer is refused with its name and type, and nothing is written.
 *
 * <p>Padding masks: an Embedding with a padding index computes its mask from the ids in the graph, and the mask goes
 * where Nabla routes it: to the global poolings (over the real steps), to attention (the padded keys' scores get
 * -1e30, see {@link TransformerOnnx}) and to the recurrent layers as ONNX's sequence lengths, the number of real
 * steps of each row. The lengths are Nabla's masking exactly for post-padded rows (the real steps first); a row with
 * padding before or between its real steps would be read as its first steps and give other outputs than Nabla.
 */
public final class OnnxExporter {

    private OnnxExporter() {}

    /** One layer call: the layer, the tensors it reads and the tensor it makes (names local to the export). */
    private record Call(Layer layer, List<String> inputs, String output) {}

    /**
     * A model as the exporter sees it: inputs (name, one sample's shape), the calls in the order they run, and the
     * outputs (name, tensor).
     */
    private record Graph(Map<String, int[]> inputs, List<Call> calls, Map<String, String> outputs) {}

    /** Writes the ONNX file atomically. */
    public static void export(Model model, Path file) {
        AtomicFiles.write(file, toBytes(model));
    }

    /** The ONNX ModelProto bytes. */
    public static byte[] toBytes(Model model) {
        Graph graph = graphOf(model);
        OnnxGraph g = new OnnxGraph();
        Map<String, String> values = new HashMap<>(); // tensor -> ONNX value name
        Map<String, int[]> shapes = new HashMap<>(); // tensor -> shape with a batch of 1
        Map<String, int[]> inputs = new LinkedHashMap<>(), outputs = new LinkedHashMap<>();
        graph.inputs().keySet().forEach(g::reserve);
        graph.outputs().keySet().forEach(g::reserve);
        graph.inputs().forEach((name, shape) -> {
            values.put(name, name);
            shapes.put(name, withBatch(1, shape));
            inputs.put(name, withBatch(-1, shape));
        });
        Map<String, String> masks = new HashMap<>(); // tensor -> ONNX value of its [batch, time] padding mask, if it has one
        for (Call call : graph.calls()) {
            List<String> xs = new ArrayList<>(), inMasks = new ArrayList<>();
            List<int[]> inShapes = new ArrayList<>();
            for (String t : call.inputs()) {
                xs.add(values.get(t));
                inShapes.add(shapes.get(t));
                inMasks.add(masks.get(t));
            }
            boolean masked = inMasks.stream().anyMatch(m -> m != null);
            Layer layer = call.layer();
            String y = masked && layer instanceof Masks.Consumer ? maskedLayer(g, layer, xs, inShapes, inMasks) : layer(g, layer, xs, inShapes);
            values.put(call.output(), y);
            shapes.put(call.output(), layer.outputShape(inShapes));
            String mask = outputMask(g, layer, xs, inShapes, inMasks);
            if (mask != null) masks.put(call.output(), mask);
        }
        graph.outputs().forEach((name, tensor) -> {
            if (inputs.containsKey(name)) throw new IllegalArgumentException("ONNX export: output " + name + " has the name of an input; ONNX names each value once");
            g.nodeWithOutput("Identity", name, List.of(values.get(tensor)), name);
            int[] s = shapes.get(tensor).clone();
            s[0] = -1;
            outputs.put(name, s);
        });
        return g.model(model.name(), inputs, outputs, ModelFile.VERSION);
    }

    /**
     * The graph of a functional model; a Sequential's chain of layers. A model used as a layer is inlined: its calls
     * join the graph, their tensors named under the call that used it ({@code layers[0]/layers[1]}).
     */
    private static Graph graphOf(Model model) {
        Map<String, int[]> inputs = new LinkedHashMap<>();
        if (model instanceof Sequential s) {
            int[] inputShape = s.inputShape();
            if (inputShape == null) throw new IllegalStateException("ONNX export: " + model.name() + " is not built; call buildFor(inputShape) first");
            inputs.put("input", Arrays.copyOfRange(inputShape, 1, inputShape.length));
        } else if (model instanceof Functional f) {
            for (SymbolicTensor in : f.inputs()) inputs.put(in.name(), in.shape());
        }
        List<Call> calls = new ArrayList<>();
        List<String> results = calls(model, new ArrayList<>(inputs.keySet()), "", calls);
        Map<String, String> outputs = new LinkedHashMap<>();
        List<String> names = model instanceof Sequential ? List.of("output") : model.outputNames();
        for (int i = 0; i < names.size(); i++) outputs.put(names.get(i), results.get(i));
        return new Graph(inputs, calls, outputs);
    }

    /**
     * Adds the calls of {@code model} reading the tensors {@code ins} (in its input order) to {@code calls}, its
     * tensors' names prefixed by {@code prefix}; returns the tensors of its outputs, in order.
     */
    private static List<String> calls(Model model, List<String> ins, String prefix, List<Call> calls) {
        if (model instanceof Sequential s) {
            String x = ins.get(0);
            for (int i = 0; i < s.layers().size(); i++) x = call(s.layers().get(i), List.of(x), prefix + "layers[" + i + "]", calls);
            return List.of(x);
        }
        if (model instanceof Functional f) {
            Map<SymbolicTensor, String> tensors = new java.util.IdentityHashMap<>();
            for (int i = 0; i < f.inputs().size(); i++) tensors.put(f.inputs().get(i), ins.get(i));
            for (SymbolicTensor node : f.nodes()) {
                List<String> reads = new ArrayList<>();
                for (SymbolicTensor in : node.inputs()) reads.add(tensors.get(in));
                tensors.put(node, call(node.layer(), reads, prefix + node.name(), calls));
            }
            List<String> outs = new ArrayList<>();
            for (SymbolicTensor out : f.outputs()) outs.add(tensors.get(out));
            return outs;
        }
        throw new IllegalArgumentException("ONNX export: " + model.name() + " is a " + model.getClass().getSimpleName()
                + "; only Sequential and functional models (Model.of) export to ONNX");
    }

    /** One layer call making the tensor {@code output}, or, for a model used as a layer, its calls inlined. */
    private static String call(Layer layer, List<String> reads, String output, List<Call> calls) {
        if (layer instanceof Model inner) return calls(inner, reads, output + "/", calls).get(0);
        calls.add(new Call(layer, reads, output));
        return output;
    }

    private static int[] withBatch(int batch, int[] sample) {
        int[] s = new int[sample.length + 1];
        s[0] = batch;
        System.arraycopy(sample, 0, s, 1, sample.length);
        return s;
    }

    /**
     * Emits the nodes of one layer call reading {@code xs} (of shapes {@code shapes}, batch 1); returns its output's
     * name. Merge layers read them all, the others the one.
     */
    private static String layer(OnnxGraph g, Layer layer, List<String> xs, List<int[]> shapes) {
        String name = layer.name();
        switch (layer.type()) {
            case "Add": return fold(g, "Add", name, xs);
            case "Subtract": return fold(g, "Sub", name, xs);
            case "Multiply": return fold(g, "Mul", name, xs);
            case "Maximum": return fold(g, "Max", name, xs);
            case "Minimum": return fold(g, "Min", name, xs);
            case "Average": return g.node("Mean", name, xs);
            case "Concatenate": return g.node("Concat", name, xs, Attribute.of("axis", (long) number(layer.config(), "axis")));
            case "Dot": return dot(g, (Dot) layer, xs, shapes);
            case "SimpleRNN":
            case "LSTM":
            case "GRU": return recurrent(g, name, List.of((Recurrent) layer), xs, null);
            case "MultiHeadAttention": return TransformerOnnx.multiHeadAttention(g, layer, xs, shapes, null);
            case "TransformerDecoderLayer": return TransformerOnnx.decoder(g, layer, xs, shapes, null);
            default: return layer(g, layer, xs.get(0), shapes.get(0));
        }
    }

    /**
     * The padding mask of a layer call's output, as {@link Masks#call} routes it in Nabla: made by an {@link Embedding}
     * with a padding index from [batch, time] ids, passed on (multiplied, for merges) by the step-wise layers; a
     * consumer's output carries its first input's (recurrent layers returning sequences, attention, Transformer layers)
     * or none (the last output of a recurrent layer, the global poolings); any other layer drops it.
     */
    private static String outputMask(OnnxGraph g, Layer layer, List<String> xs, List<int[]> shapes, List<String> masks) {
        if (layer instanceof Embedding e) {
            if (e.paddingIndex() < 0 || shapes.get(0).length != 2) return null;
            String pad = scalar(g, e.name(), e.paddingIndex());
            return g.node("Cast", e.name(), List.of(g.node("Not", e.name(), List.of(g.node("Equal", e.name(), List.of(xs.get(0), pad))))),
                    Attribute.of("to", OnnxGraph.FLOAT_TYPE));
        }
        if (layer instanceof Masks.Consumer) return carriesFirstMask(layer) ? masks.get(0) : null;
        if (!layer.propagatesMask()) return null;
        String all = null;
        for (String m : masks) if (m != null) all = all == null ? m : g.node("Mul", layer.name(), List.of(all, m));
        return all;
    }

    /** Whether a mask consumer's output carries its first input's mask, as its {@link Masks.Consumer#outputMask}. */
    private static boolean carriesFirstMask(Layer layer) {
        if (layer instanceof Recurrent r) return r.returnsSequences();
        if (layer instanceof Bidirectional bi) return bi.forwardLayer().returnsSequences();
        return layer instanceof MultiHeadAttention || layer instanceof TransformerBlock;
    }

    /** A layer that skips padded steps, on xs with their [batch, time] masks (null entries for none). */
    private static String maskedLayer(OnnxGraph g, Layer layer, List<String> xs, List<int[]> shapes, List<String> masks) {
        String name = layer.name();
        switch (layer.type()) {
            case "SimpleRNN":
            case "LSTM":
            case "GRU": return recurrent(g, name, List.of((Recurrent) layer), xs, sequenceLengths(g, name, masks.get(0)));
            case "Bidirectional": {
                Bidirectional bi = (Bidirectional) layer;
                return recurrent(g, name, List.of(bi.forwardLayer(), bi.backwardLayer()), xs, sequenceLengths(g, name, masks.get(0)));
            }
            case "MultiHeadAttention": return TransformerOnnx.multiHeadAttention(g, layer, xs, shapes, masks);
            case "TransformerEncoderLayer": return TransformerOnnx.encoder(g, layer, xs.get(0), shapes.get(0), masks.get(0));
            case "TransformerDecoderLayer": return TransformerOnnx.decoder(g, layer, xs, shapes, masks);
            default:
                if (layer instanceof GlobalPooling1D pool && pool.dataFormat() == DataFormat.CHANNELS_LAST) return maskedPooling(g, pool, xs.get(0), masks.get(0));
                throw new IllegalArgumentException("ONNX export: layer " + name + " of type " + layer.type() + " takes a padding mask here,"
                        + " which its ONNX form does not");
        }
    }

    /**
     * A recurrent op's sequence_lens, int32 [batch]: the number of real steps of each row. ONNX runs the first that many
     * steps, so this is Nabla's masking exactly when the real steps come first (post-padding).
     */
    private static String sequenceLengths(OnnxGraph g, String name, String mask) {
        if (mask == null) return null;
        String real = g.node("ReduceSum", name, List.of(mask, g.int64s(g.fresh(name + "/axes"), new long[] {1})), Attribute.of("keepdims", 0L));
        return g.node("Cast", name, List.of(real), Attribute.of("to", OnnxGraph.INT32_TYPE));
    }

    /** A global pooling over the real steps of x, channels last, with its [batch, time] mask. */
    private static String maskedPooling(OnnxGraph g, GlobalPooling1D layer, String x, String mask) {
        String name = layer.name();
        String keep = g.node("Unsqueeze", name, List.of(mask, g.int64s(g.fresh(name + "/axes"), new long[] {2}))); // [b, t, 1]
        String steps = g.int64s(g.fresh(name + "/axes"), new long[] {1});
        String real = g.node("ReduceSum", name, List.of(mask, steps), Attribute.of("keepdims", 1L)); // [b, 1]
        if (layer instanceof GlobalAveragePooling1D) {
            String sum = g.node("ReduceSum", name, List.of(g.node("Mul", name, List.of(x, keep)), steps), Attribute.of("keepdims", 0L));
            return g.node("Div", name, List.of(sum, g.node("Max", name, List.of(real, scalar(g, name, 1f)))));
        }
        String half = scalar(g, name, 0.5f);
        String masked = g.node("Where", name, List.of(g.node("Greater", name, List.of(keep, half)), x, scalar(g, name, Float.NEGATIVE_INFINITY)));
        String max = g.node("ReduceMax", name, List.of(masked), Attribute.of("axes", new long[] {1}), Attribute.of("keepdims", 0L));
        return g.node("Where", name, List.of(g.node("Greater", name, List.of(real, half)), max, scalar(g, name, 0f)));
    }

    /** ((x0 op x1) op x2) ..., in Nabla's order. */
    private static String fold(OnnxGraph g, String op, String name, List<String> xs) {
        String y = xs.get(0);
        for (int i = 1; i < xs.size(); i++) y = g.node(op, name, List.of(y, xs.get(i)));
        return y;
    }

    /**
     * As {@link Dot}: the first input with its axis moved last, flattened to [b, m, k], times the second with its
     * axis moved to position 1, flattened to [b, k, n]; the product reshaped to the output shape.
     */
    private static String dot(OnnxGraph g, Dot layer, List<String> xs, List<int[]> shapes) {
        String name = layer.name();
        int[] x = shapes.get(0), y = shapes.get(1), out = layer.outputShape(shapes);
        int[] ab = layer.resolvedAxes(shapes);
        int a = ab[0], b = ab[1], k = x[a];
        String left = normalized(g, name, xs.get(0), a, layer.normalize()), right = normalized(g, name, xs.get(1), b, layer.normalize());
        String lhs = g.node("Reshape", name, List.of(g.node("Transpose", name, List.of(left), Attribute.of("perm", longs(Dot.moveAxis(x.length, a, x.length - 1)))),
                g.int64s(g.fresh(name + "/shape"), new long[] {0, -1, k})));
        String rhs = g.node("Reshape", name, List.of(g.node("Transpose", name, List.of(right), Attribute.of("perm", longs(Dot.moveAxis(y.length, b, 1)))),
                g.int64s(g.fresh(name + "/shape"), new long[] {0, k, -1})));
        long[] target = longs(out);
        target[0] = 0; // keeps the batch size
        return g.node("Reshape", name, List.of(g.node("MatMul", name, List.of(lhs, rhs)), g.int64s(g.fresh(name + "/shape"), target)));
    }

    /** x / sqrt(max(sum(x^2) along the axis, epsilon)) when normalising, as {@link Dot} does. */
    private static String normalized(OnnxGraph g, String name, String x, int axis, boolean normalize) {
        if (!normalize) return x;
        String squares = g.node("ReduceSum", name, List.of(g.node("Mul", name, List.of(x, x)), g.int64s(g.fresh(name + "/axes"), new long[] {axis})),
                Attribute.of("keepdims", 1L));
        String norm = g.node("Sqrt", name, List.of(g.node("Max", name, List.of(squares, scalar(g, name, Dot.EPSILON)))));
        return g.node("Div", name, List.of(x, norm));
    }

    private static long[] longs(int[] a) {
        return Arrays.stream(a).asLongStream().toArray();
    }

    /** Emits the nodes of one layer reading {@code x} (of shape {@code shape}, batch 1); returns its output's name. */
    private static String layer(OnnxGraph g, Layer layer, String x, int[] shape) {
        Map<String, Object> c = layer.config();
        String name = layer.name();
        switch (layer.type()) {
            case "Dense": {
                List<Weight> w = layer.weights();
                String kernel = g.floats(name + "/kernel", w.get(0).value().data(), w.get(0).value().shape());
                String y = shape.length == 2
                        ? (w.size() > 1 ? g.node("Gemm", name, List.of(x, kernel, g.floats(name + "/bias", w.get(1).value().data(), w.get(1).value().shape())))
                                : g.node("Gemm", name, List.of(x, kernel)))
                        : matMulAdd(g, name, x, kernel, w);
                return activation(g, name, y, Activation.parse((String) c.get("activation")));
            }
            case "ActivationLayer":
                return activation(g, name, x, Activation.parse((String) c.get("activation")));
            case "Embedding": {
                // The float32 ids become int64 indices into the [vocab, dim] table.
                String ids = g.node("Cast", name, List.of(x), Attribute.of("to", OnnxGraph.INT64_TYPE));
                return g.node("Gather", name, List.of(init(g, layer.weights().get(0)), ids), Attribute.of("axis", 0L));
            }
            case "CategoryEmbedding": return categoryEmbedding(g, (CategoryEmbedding) layer, x, shape);
            case "Conv2D": {
                List<Weight> w = layer.weights();
                int k = number(c, "kernel_size"), s = number(c, "stride");
                long[] pads = {0, 0, 0, 0};
                if ("same".equals(c.get("padding"))) {
                    int h = shape[2], wd = shape[3];
                    int outH = (h + s - 1) / s, outW = (wd + s - 1) / s;
                    int padH = Math.max((outH - 1) * s + k - h, 0), padW = Math.max((outW - 1) * s + k - wd, 0);
                    pads = new long[] {padH / 2, padW / 2, padH - padH / 2, padW - padW / 2};
                }
                String kernel = g.floats(name + "/kernel", w.get(0).value().data(), w.get(0).value().shape());
                List<String> inputs = w.size() > 1 ? List.of(x, kernel, g.floats(name + "/bias", w.get(1).value().data(), w.get(1).value().shape()))
                        : List.of(x, kernel);
                String y = g.node("Conv", name, inputs, Attribute.of("kernel_shape", new long[] {k, k}), Attribute.of("strides", new long[] {s, s}),
                        Attribute.of("pads", pads));
                return activation(g, name, y, Activation.parse((String) c.get("activation")));
            }
            case "Conv1D": {
                Conv1D conv = (Conv1D) layer;
                int[] pads = conv.pads(shape[2]);
                List<String> inputs = new ArrayList<>(List.of(x, init(g, layer.weights().get(0))));
                if (conv.bias() != null) inputs.add(init(g, layer.weights().get(1)));
                String y = g.node("Conv", name, inputs, Attribute.of("kernel_shape", new long[] {number(c, "kernel_size")}),
                        Attribute.of("strides", new long[] {conv.stride()}), Attribute.of("dilations", new long[] {conv.dilation()}),
                        Attribute.of("pads", new long[] {pads[0], pads[1]}));
                return activation(g, name, y, conv.activation());
            }
            case "MaxPool2D":
            case "AvgPool2D": {
                long p = number(c, "pool_size"), s = number(c, "stride");
                return g.node(layer.type().equals("MaxPool2D") ? "MaxPool" : "AveragePool", name, List.of(x),
                        Attribute.of("kernel_shape", new long[] {p, p}), Attribute.of("strides", new long[] {s, s}));
            }
            case "GlobalAveragePooling2D":
                return g.node("Flatten", name, List.of(g.node("GlobalAveragePool", name, List.of(x))), Attribute.of("axis", 1L));
            case "MaxPool1D":
            case "AvgPool1D": {
                long p = number(c, "pool_size"), s = number(c, "stride");
                return g.node(layer.type().equals("MaxPool1D") ? "MaxPool" : "AveragePool", name, List.of(x),
                        Attribute.of("kernel_shape", new long[] {p}), Attribute.of("strides", new long[] {s}));
            }
            case "GlobalAveragePooling1D":
            case "GlobalMaxPooling1D": {
                long axis = ((GlobalPooling1D) layer).dataFormat() == DataFormat.CHANNELS_LAST ? 1 : 2;
                return g.node(layer.type().equals("GlobalMaxPooling1D") ? "ReduceMax" : "ReduceMean", name, List.of(x),
                        Attribute.of("axes", new long[] {axis}), Attribute.of("keepdims", 0L));
            }
            case "Flatten":
                return g.node("Flatten", name, List.of(x), Attribute.of("axis", 1L));
            case "Reshape": {
                List<?> target = (List<?>) c.get("target_shape");
                long[] dims = new long[target.size() + 1];
                for (int i = 0; i < target.size(); i++) dims[i + 1] = ((Number) target.get(i)).longValue(); // 0 keeps the batch size
                return g.node("Reshape", name, List.of(x, g.int64s(name + "/shape", dims)));
            }
            case "Permute": {
                List<?> dims = (List<?>) c.get("dims");
                long[] perm = new long[dims.size() + 1]; // ONNX permutes the batch axis too: it stays first
                for (int i = 0; i < dims.size(); i++) perm[i + 1] = ((Number) dims.get(i)).longValue();
                return g.node("Transpose", name, List.of(x), Attribute.of("perm", perm));
            }
            case "RepeatVector": {
                String column = g.node("Unsqueeze", name, List.of(x, g.int64s(g.fresh(name + "/axes"), new long[] {1})));
                long[] target = {1, number(c, "n"), shape[1]}; // 1 broadcasts to the batch size
                return g.node("Expand", name, List.of(column, g.int64s(g.fresh(name + "/shape"), target)));
            }
            case "ZeroPadding2D": {
                List<?> p = (List<?>) c.get("padding"); // top, bottom, left, right
                long[] pads = {0, 0, ((Number) p.get(0)).longValue(), ((Number) p.get(2)).longValue(),
                        0, 0, ((Number) p.get(1)).longValue(), ((Number) p.get(3)).longValue()}; // all starts, then all ends
                return g.node("Pad", name, List.of(x, g.int64s(g.fresh(name + "/pads"), pads)));
            }
            case "UpSampling2D": {
                List<?> size = (List<?>) c.get("size");
                float[] scales = {1, 1, ((Number) size.get(0)).floatValue(), ((Number) size.get(1)).floatValue()};
                // Output pixel y reads input floor(y / scale), as Nabla and PyTorch's nearest; no roi (the empty input).
                return g.node("Resize", name, List.of(x, "", g.floats(g.fresh(name + "/scales"), scales, new int[] {4})),
                        Attribute.of("mode", "nearest"), Attribute.of("coordinate_transformation_mode", "asymmetric"),
                        Attribute.of("nearest_mode", "floor"));
            }
            case "Dropout":
                return g.node("Identity", name, List.of(x));
            case "PositionalEmbedding": return TransformerOnnx.positionalEmbedding(g, layer, x, shape);
            case "SinusoidalPositionalEmbedding": return TransformerOnnx.sinusoidal(g, layer, x, shape);
            case "TransformerEncoderLayer": return TransformerOnnx.encoder(g, layer, x, shape, null);
            case "BatchNormalization": {
                List<Weight> w = layer.weights();
                List<String> in = List.of(x, init(g, w.get(0)), init(g, w.get(1)), init(g, w.get(2)), init(g, w.get(3)));
                return g.node("BatchNormalization", name, in, Attribute.of("epsilon", (float) decimal(c, "epsilon")));
            }
            case "LayerNormalization": {
                List<Weight> w = layer.weights();
                return g.node("LayerNormalization", name, List.of(x, init(g, w.get(0)), init(g, w.get(1))),
                        Attribute.of("axis", -1L), Attribute.of("epsilon", (float) decimal(c, "epsilon")));
            }
            case "Bidirectional": {
                Bidirectional bi = (Bidirectional) layer;
                return recurrent(g, name, List.of(bi.forwardLayer(), bi.backwardLayer()), List.of(x), null);
            }
            default:
                throw new IllegalArgumentException("ONNX export: layer " + name + " of type " + layer.type() + " has no ONNX form;"
                        + " supported: Dense, ActivationLayer, Embedding, CategoryEmbedding, Conv1D, Conv2D, MaxPool1D, AvgPool1D, MaxPool2D, AvgPool2D,"
                        + " GlobalAveragePooling1D, GlobalMaxPooling1D, GlobalAveragePooling2D, Flatten, Reshape,"
                        + " BatchNormalization, LayerNormalization, Dropout, Permute, RepeatVector, ZeroPadding2D, UpSampling2D, Add, Subtract,"
                        + " Multiply, Average, Maximum, Minimum, Concatenate, Dot, SimpleRNN, LSTM, GRU, Bidirectional, MultiHeadAttention,"
                        + " PositionalEmbedding, SinusoidalPositionalEmbedding, TransformerEncoderLayer, TransformerDecoderLayer");
        }
    }

    /**
     * SimpleRNN / LSTM / GRU (one direction, or a Bidirectional's two) as ONNX's RNN / LSTM / GRU op. ONNX stacks the
     * gates as i, o, f, c (LSTM) and z, r, h (GRU) where PyTorch has i, f, g, o and r, z, n, so the blocks of rows are
     * reordered; the GRU's reset gate after the hidden product is {@code linear_before_reset=1}; the biases go in as
     * [b_ih, b_hh]. The op is time-major (the default layout, which every runtime has), so the input is transposed to
     * [time, batch, features] and the outputs back: Y [time, dirs, batch, H] to [batch, time, dirs*H], Y_h
     * [dirs, batch, H] to [batch, dirs*H], the directions side by side as Nabla concatenates them. Initial states
     * (inputs 2 and 3 of a graph node) become initial_h / initial_c.
     *
     * <p>A padding mask goes in as {@code lengths} (sequence_lens, see {@link #sequenceLengths}): ONNX runs each row's
     * first lengths[b] steps, outputs zeros after them and keeps the state reached there as Y_h, and its reverse
     * direction starts at step lengths[b] - 1, which is Nabla's masking and Bidirectional for post-padded rows. A mask
     * with padding before or between real steps is read as a length too, and then the exported layer computes
     * something else than Nabla's.
     */
    private static String recurrent(OnnxGraph g, String name, List<Recurrent> dirs, List<String> xs, String lengths) {
        Recurrent first = dirs.get(0);
        String op = first.type().equals("SimpleRNN") ? "RNN" : first.type();
        int[] order = op.equals("LSTM") ? new int[] {0, 3, 1, 2} : op.equals("GRU") ? new int[] {1, 0, 2} : new int[] {0};
        int h = first.units(), d = first.weightIh().dim(1), gh = order.length * h, n = dirs.size();
        float[] w = new float[n * gh * d], r = new float[n * gh * h], b = new float[n * 2 * gh];
        for (int k = 0; k < n; k++) {
            Recurrent dir = dirs.get(k);
            gateBlocks(dir.weightIh().data(), d, h, order, w, k * gh * d);
            gateBlocks(dir.weightHh().data(), h, h, order, r, k * gh * h);
            gateBlocks(dir.biasIh().data(), 1, h, order, b, k * 2 * gh);
            gateBlocks(dir.biasHh().data(), 1, h, order, b, k * 2 * gh + gh);
        }
        List<String> inputs = new ArrayList<>(List.of(g.node("Transpose", name, List.of(xs.get(0)), Attribute.of("perm", new long[] {1, 0, 2})),
                g.floats(name + "/W", w, new int[] {n, gh, d}), g.floats(name + "/R", r, new int[] {n, gh, h}),
                g.floats(name + "/B", b, new int[] {n, 2 * gh})));
        if (lengths != null || xs.size() > 1) inputs.add(lengths == null ? "" : lengths);
        for (int i = 1; i < xs.size(); i++) inputs.add(g.node("Unsqueeze", name, List.of(xs.get(i), g.int64s(g.fresh(name + "/axes"), new long[] {0}))));
        List<Attribute> attrs = new ArrayList<>(List.of(Attribute.of("hidden_size", (long) h),
                Attribute.of("direction", n == 2 ? "bidirectional" : "forward")));
        if (op.equals("GRU")) attrs.add(Attribute.of("linear_before_reset", 1L));
        boolean sequences = first.returnsSequences();
        String out = g.fresh(name + "/" + (sequences ? "Y" : "Y_h"));
        g.nodeWithOutputs(op, name, inputs, sequences ? List.of(out) : List.of("", out), attrs.toArray(new Attribute[0]));
        if (sequences) {
            String batchFirst = g.node("Transpose", name, List.of(out), Attribute.of("perm", new long[] {2, 0, 1, 3}));
            return g.node("Reshape", name, List.of(batchFirst, g.int64s(g.fresh(name + "/shape"), new long[] {0, 0, (long) n * h})));
        }
        String batchFirst = g.node("Transpose", name, List.of(out), Attribute.of("perm", new long[] {1, 0, 2}));
        return g.node("Reshape", name, List.of(batchFirst, g.int64s(g.fresh(name + "/shape"), new long[] {0, (long) n * h})));
    }

    /** Copies PyTorch's gate blocks (H rows of {@code cols} each) into {@code into} in the order {@code order} names. */
    private static void gateBlocks(float[] from, int cols, int h, int[] order, float[] into, int offset) {
        int block = h * cols;
        for (int i = 0; i < order.length; i++) System.arraycopy(from, order[i] * block, into, offset + i * block, block);
    }

    /** Dense on inputs of rank above 2: MatMul then Add (Gemm takes matrices only). */
    /**
     * A {@link CategoryEmbedding}: Gather picks the numeric columns; each index column is gathered ([batch, 1]), cast
     * to int64, looks up its table ([batch, 1, dim]) and is flattened to [batch, dim]; Concat joins them in order.
     */
    private static String categoryEmbedding(OnnxGraph g, CategoryEmbedding layer, String x, int[] shape) {
        String name = layer.name();
        int[] columns = layer.indexColumns();
        List<String> parts = new ArrayList<>();
        long[] numeric = java.util.stream.IntStream.range(0, shape[1]).filter(f -> Arrays.binarySearch(columns, f) < 0).asLongStream().toArray();
        if (numeric.length > 0) parts.add(g.node("Gather", name, List.of(x, g.int64s(name + "/numeric_columns", numeric)), Attribute.of("axis", 1L)));
        for (int i = 0; i < columns.length; i++) {
            Embedding e = layer.embeddings().get(i);
            String column = g.node("Gather", e.name(), List.of(x, g.int64s(e.name() + "/column", new long[] {columns[i]})), Attribute.of("axis", 1L));
            String ids = g.node("Cast", e.name(), List.of(column), Attribute.of("to", OnnxGraph.INT64_TYPE));
            String rows = g.node("Gather", e.name(), List.of(init(g, e.weights().get(0)), ids), Attribute.of("axis", 0L));
            parts.add(g.node("Flatten", e.name(), List.of(rows), Attribute.of("axis", 1L)));
        }
        return parts.size() == 1 ? parts.get(0) : g.node("Concat", name, parts, Attribute.of("axis", 1L));
    }

    private static String matMulAdd(OnnxGraph g, String name, String x, String kernel, List<Weight> w) {
        String y = g.node("MatMul", name, List.of(x, kernel));
        return w.size() > 1 ? g.node("Add", name, List.of(y, init(g, w.get(1)))) : y;
    }

    private static String init(OnnxGraph g, Weight w) {
        return g.floats(w.name(), w.value().data(), w.value().shape());
    }

    static String activation(OnnxGraph g, String name, String x, Activation a) {
        switch (a) {
            case LINEAR: return x;
            case RELU: return g.node("Relu", name, List.of(x));
            case LEAKY_RELU: return g.node("LeakyRelu", name, List.of(x), Attribute.of("alpha", Activation.LEAKY_RELU_SLOPE));
            case ELU: return g.node("Elu", name, List.of(x), Attribute.of("alpha", Activation.ELU_ALPHA));
            case SIGMOID: return g.node("Sigmoid", name, List.of(x));
            case TANH: return g.node("Tanh", name, List.of(x));
            case SOFTPLUS: return g.node("Softplus", name, List.of(x));
            case SOFTMAX: return g.node("Softmax", name, List.of(x), Attribute.of("axis", -1L));
            case LOG_SOFTMAX: return g.node("LogSoftmax", name, List.of(x), Attribute.of("axis", -1L));
            case GELU: {
                // 0.5 x (1 + erf(x / sqrt 2))
                String erf = g.node("Erf", name, List.of(g.node("Mul", name, List.of(x, scalar(g, name, (float) (1 / Math.sqrt(2)))))));
                String onePlus = g.node("Add", name, List.of(erf, scalar(g, name, 1f)));
                return g.node("Mul", name, List.of(g.node("Mul", name, List.of(x, onePlus)), scalar(g, name, 0.5f)));
            }
            case GELU_TANH: {
                // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
                String cube = g.node("Mul", name, List.of(g.node("Mul", name, List.of(x, x)), x));
                String inner = g.node("Add", name, List.of(x, g.node("Mul", name, List.of(cube, scalar(g, name, 0.044715f)))));
                String tanh = g.node("Tanh", name, List.of(g.node("Mul", name, List.of(inner, scalar(g, name, (float) Math.sqrt(2 / Math.PI))))));
                String onePlus = g.node("Add", name, List.of(tanh, scalar(g, name, 1f)));
                return g.node("Mul", name, List.of(g.node("Mul", name, List.of(x, onePlus)), scalar(g, name, 0.5f)));
            }
            default:
                throw new IllegalArgumentException("ONNX export: activation " + a + " of " + name + " has no ONNX form");
        }
    }

    private static String scalar(OnnxGraph g, String name, float v) {
        return g.floats(g.fresh(name + "/const"), new float[] {v}, new int[0]);
    }

    private static int number(Map<String, Object> c, String key) {
        return ((Number) c.get(key)).intValue();
    }

    private static double decimal(Map<String, Object> c, String key) {
        return ((Number) c.get(key)).doubleValue();
    }
}
