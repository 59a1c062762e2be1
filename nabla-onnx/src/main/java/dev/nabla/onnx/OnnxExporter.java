package dev.nabla.onnx;

import dev.nabla.io.AtomicFiles;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Dot;
import dev.nabla.nn.Layer;
import dev.nabla.nn.SymbolicTensor;
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
 * wire-format writer ({@link ProtoWriter}): the handful of ONNX messages needed do not justify protobuf-java and
 * generated classes in a dependency-free module.
 *
 * <pre>{@code
 * OnnxExporter.export(model, Path.of("model.onnx"));
 * }</pre>
 *
 * Layers: Dense, ActivationLayer and every activation (GELU is composed from Erf / Tanh, opset 17 having no Gelu),
 * Conv2D, MaxPool2D, AvgPool2D, GlobalAveragePooling2D, Flatten, Reshape, BatchNormalization (inference form),
 * LayerNormalization, Dropout (identity), Permute (Transpose), RepeatVector (Unsqueeze + Expand), ZeroPadding2D (Pad),
 * UpSampling2D (Resize, nearest); the merges Add, Subtract, Multiply, Maximum, Minimum (chains of the binary ops),
 * Average (Mean), Concatenate (Concat) and Dot (Transpose + Reshape + MatMul; normalised with ReduceSum, Max, Sqrt,
 * Div); MultiHeadAttention, TransformerEncoderLayer, TransformerDecoderLayer, PositionalEmbedding and
 * SinusoidalPositionalEmbedding decomposed into standard ops ({@link TransformerOnnx}). Any other layer is refused
 * with its name and type, and nothing is written.
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
        for (Call call : graph.calls()) {
            List<String> xs = new ArrayList<>();
            List<int[]> inShapes = new ArrayList<>();
            for (String t : call.inputs()) {
                xs.add(values.get(t));
                inShapes.add(shapes.get(t));
            }
            values.put(call.output(), layer(g, call.layer(), xs, inShapes));
            shapes.put(call.output(), call.layer().outputShape(inShapes));
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

    /** The graph of a functional model; a Sequential's chain of layers. */
    private static Graph graphOf(Model model) {
        if (model instanceof Sequential s) {
            int[] inputShape = s.inputShape();
            if (inputShape == null) throw new IllegalStateException("ONNX export: " + model.name() + " is not built; call buildFor(inputShape) first");
            List<Call> calls = new ArrayList<>();
            String x = "input";
            for (int i = 0; i < s.layers().size(); i++) {
                calls.add(new Call(s.layers().get(i), List.of(x), "layers[" + i + "]"));
                x = "layers[" + i + "]";
            }
            return new Graph(Map.of("input", Arrays.copyOfRange(inputShape, 1, inputShape.length)), calls, Map.of("output", x));
        }
        if (model instanceof Functional f) {
            Map<String, int[]> inputs = new LinkedHashMap<>();
            for (SymbolicTensor in : f.inputs()) inputs.put(in.name(), in.shape());
            List<Call> calls = new ArrayList<>();
            for (SymbolicTensor node : f.nodes()) {
                List<String> reads = new ArrayList<>();
                for (SymbolicTensor in : node.inputs()) reads.add(in.name());
                calls.add(new Call(node.layer(), reads, node.name()));
            }
            Map<String, String> outputs = new LinkedHashMap<>();
            for (int i = 0; i < f.outputs().size(); i++) outputs.put(f.outputNames().get(i), f.outputs().get(i).name());
            return new Graph(inputs, calls, outputs);
        }
        throw new IllegalArgumentException("ONNX export: " + model.name() + " is a " + model.getClass().getSimpleName()
                + "; only Sequential and functional models (Model.of) export to ONNX");
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
            case "MultiHeadAttention": return TransformerOnnx.multiHeadAttention(g, layer, xs, shapes);
            case "TransformerDecoderLayer": return TransformerOnnx.decoder(g, layer, xs, shapes);
            default: return layer(g, layer, xs.get(0), shapes.get(0));
        }
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
            case "MaxPool2D":
            case "AvgPool2D": {
                long p = number(c, "pool_size"), s = number(c, "stride");
                return g.node(layer.type().equals("MaxPool2D") ? "MaxPool" : "AveragePool", name, List.of(x),
                        Attribute.of("kernel_shape", new long[] {p, p}), Attribute.of("strides", new long[] {s, s}));
            }
            case "GlobalAveragePooling2D":
                return g.node("Flatten", name, List.of(g.node("GlobalAveragePool", name, List.of(x))), Attribute.of("axis", 1L));
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
            case "TransformerEncoderLayer": return TransformerOnnx.encoder(g, layer, x, shape);
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
            default:
                throw new IllegalArgumentException("ONNX export: layer " + name + " of type " + layer.type() + " has no ONNX form;"
                        + " supported: Dense, ActivationLayer, Conv2D, MaxPool2D, AvgPool2D, GlobalAveragePooling2D, Flatten, Reshape,"
                        + " BatchNormalization, LayerNormalization, Dropout, Permute, RepeatVector, ZeroPadding2D, UpSampling2D, Add, Subtract,"
                        + " Multiply, Average, Maximum, Minimum, Concatenate, Dot, MultiHeadAttention, PositionalEmbedding,"
                        + " SinusoidalPositionalEmbedding, TransformerEncoderLayer, TransformerDecoderLayer");
        }
    }

    /** Dense on inputs of rank above 2: MatMul then Add (Gemm takes matrices only). */
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
