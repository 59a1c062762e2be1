package dev.nabla.onnx;

import dev.nabla.io.ProtoWriter;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Collects the nodes and initializers of one ONNX graph and serialises the ModelProto (field numbers from
 * {@code onnx.proto}). Value names are generated; {@link #node} returns the new output's name.
 */
final class OnnxGraph {

    static final int IR_VERSION = 8;
    static final int OPSET = 17;
    private static final int FLOAT = 1, INT32 = 6, INT64 = 7;
    /** The int64, int32 and float element types, as a Cast node's {@code to} attribute. */
    static final long INT64_TYPE = INT64, INT32_TYPE = INT32, FLOAT_TYPE = FLOAT;
    private static final int ATTR_FLOAT = 1, ATTR_INT = 2, ATTR_STRING = 3, ATTR_INTS = 7;

    private final List<ProtoWriter> nodes = new ArrayList<>();
    private final List<ProtoWriter> initializers = new ArrayList<>();
    private final Set<String> initializerNames = new HashSet<>();
    private final Set<String> reserved = new HashSet<>();
    private int counter;

    /** An attribute of a node: an int, a float, a string or a list of ints. */
    record Attribute(String name, Object value) {
        static Attribute of(String name, long v) {
            return new Attribute(name, v);
        }

        static Attribute of(String name, float v) {
            return new Attribute(name, v);
        }

        static Attribute of(String name, long[] v) {
            return new Attribute(name, v);
        }

        static Attribute of(String name, String v) {
            return new Attribute(name, v);
        }

        ProtoWriter encode() {
            ProtoWriter a = new ProtoWriter().string(1, name);
            if (value instanceof Long l) a.varint(20, ATTR_INT).varint(3, l);
            else if (value instanceof Float f) a.varint(20, ATTR_FLOAT).float32(2, f);
            else if (value instanceof String t) a.varint(20, ATTR_STRING).string(4, t);
            else a.varint(20, ATTR_INTS).packedVarints(8, (long[]) value);
            return a;
        }
    }

    /** Keeps {@link #fresh} from generating {@code name}: a graph input's or output's, which the model chose. */
    void reserve(String name) {
        reserved.add(name);
    }

    /** A fresh value name with a readable prefix. */
    String fresh(String prefix) {
        String name;
        do {
            name = prefix + "_" + counter++;
        } while (reserved.contains(name));
        return name;
    }

    /** Adds {@code opType(inputs) -> output} and returns the output's name. */
    String node(String opType, String name, List<String> inputs, Attribute... attributes) {
        String output = fresh(name);
        nodeWithOutput(opType, name, inputs, output, attributes);
        return output;
    }

    void nodeWithOutput(String opType, String name, List<String> inputs, String output, Attribute... attributes) {
        nodeWithOutputs(opType, name, inputs, List.of(output), attributes);
    }

    /** A node with several outputs, in the op's order; an empty name leaves an optional output out. */
    void nodeWithOutputs(String opType, String name, List<String> inputs, List<String> outputs, Attribute... attributes) {
        ProtoWriter n = new ProtoWriter();
        for (String in : inputs) n.string(1, in);
        for (String out : outputs) n.string(2, out);
        n.string(3, fresh(name + "/" + opType)).string(4, opType);
        for (Attribute a : attributes) n.message(5, a.encode());
        nodes.add(n);
    }

    /**
     * A float32 initializer (weights) with raw little-endian data; returns its name. A name given again (a shared
     * layer's weights, read by each of its calls) is the one initializer already added.
     */
    String floats(String name, float[] values, int[] dims) {
        if (!initializerNames.add(name)) return name;
        ProtoWriter t = new ProtoWriter();
        long[] d = new long[dims.length];
        for (int i = 0; i < dims.length; i++) d[i] = dims[i];
        t.packedVarints(1, d).varint(2, FLOAT).string(8, name).bytes(9, ProtoWriter.littleEndian(values));
        initializers.add(t);
        return name;
    }

    /** An int64 initializer (e.g. a Reshape target shape); returns its name; a name given again, as {@link #floats}. */
    String int64s(String name, long[] values) {
        if (!initializerNames.add(name)) return name;
        ProtoWriter t = new ProtoWriter();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 * values.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (long v : values) b.putLong(v);
        t.packedVarints(1, new long[] {values.length}).varint(2, INT64).string(8, name).bytes(9, b.array());
        initializers.add(t);
        return name;
    }

    /** ValueInfoProto of a float tensor; a dimension of -1 becomes the symbolic "batch". */
    private static ProtoWriter valueInfo(String name, int[] shape) {
        ProtoWriter dims = new ProtoWriter();
        for (int d : shape) {
            ProtoWriter dim = d < 0 ? new ProtoWriter().string(2, "batch") : new ProtoWriter().varint(1, d);
            dims.message(1, dim);
        }
        ProtoWriter tensorType = new ProtoWriter().varint(1, FLOAT).message(2, dims);
        return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType));
    }

    /** The serialised ModelProto; the graph's inputs and outputs by name, in order, each with its shape. */
    byte[] model(String graphName, Map<String, int[]> inputs, Map<String, int[]> outputs, String producerVersion) {
        ProtoWriter g = new ProtoWriter();
        for (ProtoWriter n : nodes) g.message(1, n);
        g.string(2, graphName);
        for (ProtoWriter t : initializers) g.message(5, t);
        inputs.forEach((name, shape) -> g.message(11, valueInfo(name, shape)));
        outputs.forEach((name, shape) -> g.message(12, valueInfo(name, shape)));
        ProtoWriter m = new ProtoWriter()
                .varint(1, IR_VERSION)
                .string(2, "Nabla")
                .string(3, producerVersion)
                .message(7, g)
                .message(8, new ProtoWriter().string(1, "").varint(2, OPSET));
        return m.toByteArray();
    }
}
