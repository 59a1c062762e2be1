package dev.nabla.onnx;

import dev.nabla.io.ProtoReader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The part of an ONNX ModelProto that the importer reads, decoded with {@link ProtoReader} (field numbers from
 * {@code onnx.proto}): the IR version, the producer's name, the opsets, and the graph's nodes, initializers, inputs and outputs. Tensor
 * data comes from {@code raw_data}, the typed repeated fields, or an external file beside the model
 * ({@code data_location = EXTERNAL} with {@code location}, {@code offset}, {@code length}). Other fields are skipped.
 */
record OnnxModel(long irVersion, String producer, Map<String, Long> opsets, Graph graph) {

    static final int FLOAT = 1, UINT8 = 2, INT8 = 3, INT32 = 6, INT64 = 7, BOOL = 9, DOUBLE = 11;

    /** A graph: nodes in file order (topological, as ONNX requires), initializers by name, inputs and outputs. */
    record Graph(List<Node> nodes, Map<String, TensorData> initializers, List<ValueInfo> inputs, List<ValueInfo> outputs) {}

    record Node(String name, String opType, String domain, List<String> inputs, List<String> outputs, Map<String, Attribute> attributes) {
        /** How errors name the node: its name, or its op and first output when it has none. */
        String label() {
            return name.isEmpty() ? opType + " -> " + (outputs.isEmpty() ? "?" : outputs.get(0)) : name;
        }
    }

    /** An attribute: the ONNX type number and the value of that type (the others null / empty). */
    record Attribute(String name, int type, float f, long i, String s, TensorData t, float[] floats, long[] ints) {}

    /**
     * A tensor: its dims and data type, and its values as floats (float, double) or as longs (the integer and bool
     * types); the other array is null.
     */
    record TensorData(String name, long[] dims, int dataType, float[] floats, long[] longs) {
        long count() {
            long n = 1;
            for (long d : dims) n *= d;
            return n;
        }
    }

    /** A graph input or output: its element type and dims, a symbolic dimension (dim_param or none) being -1. */
    record ValueInfo(String name, int elemType, long[] dims) {}

    /** Reads {@code file}; external tensor data is read from files beside it. */
    static OnnxModel read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return parse(bytes, file.getFileName().toString(), file.toAbsolutePath().getParent());
    }

    /** Parses ModelProto bytes; {@code dir} (may be null) holds external data files. */
    static OnnxModel parse(byte[] bytes, String origin, Path dir) {
        ProtoReader r = new ProtoReader(bytes, origin);
        long ir = -1;
        String producer = "";
        Map<String, Long> opsets = new LinkedHashMap<>();
        Graph graph = null;
        while (r.next()) {
            switch (r.field()) {
                case 1: ir = r.varint(); break;
                case 2: producer = r.string(); break;
                case 7: graph = graph(r.message(), origin, dir); break;
                case 8: {
                    ProtoReader o = r.message();
                    String domain = "";
                    long version = -1;
                    while (o.next()) {
                        if (o.field() == 1) domain = o.string();
                        else if (o.field() == 2) version = o.varint();
                        else o.skip();
                    }
                    opsets.put(domain, version);
                    break;
                }
                default: r.skip();
            }
        }
        if (graph == null) throw new IllegalArgumentException(origin + ": not an ONNX model (no graph field in " + bytes.length + " bytes)");
        return new OnnxModel(ir, producer, opsets, graph);
    }

    private static Graph graph(ProtoReader r, String origin, Path dir) {
        List<Node> nodes = new ArrayList<>();
        Map<String, TensorData> inits = new LinkedHashMap<>();
        List<ValueInfo> inputs = new ArrayList<>(), outputs = new ArrayList<>();
        while (r.next()) {
            switch (r.field()) {
                case 1: nodes.add(node(r.message(), origin, dir)); break;
                case 5: {
                    TensorData t = tensor(r.message(), origin, dir);
                    inits.put(t.name(), t);
                    break;
                }
                case 11: inputs.add(valueInfo(r.message())); break;
                case 12: outputs.add(valueInfo(r.message())); break;
                case 15: throw r.error("sparse initializers are not supported");
                default: r.skip();
            }
        }
        return new Graph(nodes, inits, inputs, outputs);
    }

    private static Node node(ProtoReader r, String origin, Path dir) {
        List<String> ins = new ArrayList<>(), outs = new ArrayList<>();
        Map<String, Attribute> attrs = new LinkedHashMap<>();
        String name = "", op = "", domain = "";
        while (r.next()) {
            switch (r.field()) {
                case 1: ins.add(r.string()); break;
                case 2: outs.add(r.string()); break;
                case 3: name = r.string(); break;
                case 4: op = r.string(); break;
                case 7: domain = r.string(); break;
                case 5: {
                    Attribute a = attribute(r.message(), origin, dir);
                    attrs.put(a.name(), a);
                    break;
                }
                default: r.skip();
            }
        }
        return new Node(name, op, domain, ins, outs, attrs);
    }

    private static Attribute attribute(ProtoReader r, String origin, Path dir) {
        String name = "", s = null;
        int type = 0;
        float f = 0;
        long i = 0;
        TensorData t = null;
        List<Float> floats = new ArrayList<>();
        List<Long> ints = new ArrayList<>();
        while (r.next()) {
            switch (r.field()) {
                case 1: name = r.string(); break;
                case 20: type = (int) r.varint(); break;
                case 2: f = r.float32(); break;
                case 3: i = r.varint(); break;
                case 4: s = r.string(); break;
                case 5: t = tensor(r.message(), origin, dir); break;
                case 7: for (float v : r.floats()) floats.add(v); break;
                case 8: for (long v : r.varints()) ints.add(v); break;
                default: r.skip();
            }
        }
        float[] fs = new float[floats.size()];
        for (int k = 0; k < fs.length; k++) fs[k] = floats.get(k);
        return new Attribute(name, type, f, i, s, t, fs, ints.stream().mapToLong(Long::longValue).toArray());
    }

    static TensorData tensor(ProtoReader r, String origin, Path dir) {
        List<Long> dims = new ArrayList<>();
        int type = 0;
        String name = "";
        byte[] raw = null;
        List<Float> floatData = new ArrayList<>();
        List<Long> intData = new ArrayList<>();
        List<Double> doubleData = new ArrayList<>();
        Map<String, String> external = new LinkedHashMap<>();
        boolean isExternal = false;
        int start = r.fieldOffset();
        while (r.next()) {
            switch (r.field()) {
                case 1: for (long d : r.varints()) dims.add(d); break;
                case 2: type = (int) r.varint(); break;
                case 8: name = r.string(); break;
                case 9: raw = r.bytes(); break;
                case 4: for (float v : r.floats()) floatData.add(v); break;
                case 5: case 7: case 11: for (long v : r.varints()) intData.add(v); break;
                case 10: for (double v : r.doubles()) doubleData.add(v); break;
                case 13: {
                    ProtoReader e = r.message();
                    String key = "", value = "";
                    while (e.next()) {
                        if (e.field() == 1) key = e.string();
                        else if (e.field() == 2) value = e.string();
                        else e.skip();
                    }
                    external.put(key, value);
                    break;
                }
                case 14: isExternal = r.varint() == 1; break;
                default: r.skip();
            }
        }
        long[] d = dims.stream().mapToLong(Long::longValue).toArray();
        String where = origin + ": tensor " + (name.isEmpty() ? "at byte " + start : name) + " " + Arrays.toString(d);
        long count = 1;
        for (long x : d) {
            if (x < 0) throw new IllegalArgumentException(where + ": negative dimension");
            count *= x;
        }
        if (count > Integer.MAX_VALUE / 8) throw new IllegalArgumentException(where + ": " + count + " elements is too many");
        if (isExternal) raw = external(external, dir, where);
        int n = (int) count;
        if (raw != null) return fromRaw(name, d, type, raw, n, where);
        if (type == FLOAT) return new TensorData(name, d, type, checked(toFloats(floatData), n, where), null);
        if (type == DOUBLE) {
            float[] v = new float[doubleData.size()];
            for (int k = 0; k < v.length; k++) v[k] = doubleData.get(k).floatValue();
            return new TensorData(name, d, type, checked(v, n, where), null);
        }
        if (isInteger(type)) {
            long[] v = intData.stream().mapToLong(Long::longValue).toArray();
            if (v.length != n) throw new IllegalArgumentException(where + ": shape needs " + n + " values, the data holds " + v.length);
            return new TensorData(name, d, type, null, v);
        }
        throw new IllegalArgumentException(where + ": data type " + typeName(type) + " is not supported (float, double and the integer types are)");
    }

    private static boolean isInteger(int type) {
        return type == INT64 || type == INT32 || type == INT8 || type == UINT8 || type == BOOL;
    }

    private static float[] toFloats(List<Float> l) {
        float[] v = new float[l.size()];
        for (int k = 0; k < v.length; k++) v[k] = l.get(k);
        return v;
    }

    private static float[] checked(float[] v, int n, String where) {
        if (v.length != n) throw new IllegalArgumentException(where + ": shape needs " + n + " values, the data holds " + v.length);
        return v;
    }

    private static TensorData fromRaw(String name, long[] d, int type, byte[] raw, int n, String where) {
        int width = switch (type) {
            case FLOAT, INT32 -> 4;
            case DOUBLE, INT64 -> 8;
            case INT8, UINT8, BOOL -> 1;
            default -> throw new IllegalArgumentException(where + ": data type " + typeName(type) + " is not supported (float, double and the integer types are)");
        };
        if (raw.length != (long) n * width) {
            throw new IllegalArgumentException(where + ": shape needs " + n + " values (" + (long) n * width + " bytes of " + typeName(type)
                    + "), the data holds " + raw.length + " bytes");
        }
        if (type == FLOAT || type == DOUBLE) {
            float[] v = new float[n];
            for (int k = 0; k < n; k++) {
                v[k] = type == FLOAT ? Float.intBitsToFloat(ProtoReader.littleEndianInt(raw, 4 * k))
                        : (float) Double.longBitsToDouble(ProtoReader.littleEndianLong(raw, 8 * k));
            }
            return new TensorData(name, d, type, v, null);
        }
        long[] v = new long[n];
        for (int k = 0; k < n; k++) {
            v[k] = switch (width) {
                case 8 -> ProtoReader.littleEndianLong(raw, 8 * k);
                case 4 -> ProtoReader.littleEndianInt(raw, 4 * k);
                default -> type == INT8 ? raw[k] : raw[k] & 0xFF;
            };
        }
        return new TensorData(name, d, type, null, v);
    }

    /** The bytes of external data: {@code location} relative to the model's directory, {@code offset}, {@code length}. */
    private static byte[] external(Map<String, String> keys, Path dir, String where) {
        String location = keys.get("location");
        if (location == null) throw new IllegalArgumentException(where + ": external data without a location");
        if (dir == null) throw new IllegalArgumentException(where + ": external data in " + location + ", but the model was not read from a file");
        Path file = dir.resolve(location).normalize();
        if (!file.startsWith(dir.normalize())) throw new IllegalArgumentException(where + ": external data location " + location + " is outside the model's directory");
        long offset = parseLong(keys.getOrDefault("offset", "0"), "offset", where);
        try {
            long size = Files.size(file);
            long length = keys.containsKey("length") ? parseLong(keys.get("length"), "length", where) : size - offset;
            if (offset + length > size) {
                throw new IllegalArgumentException(where + ": external data " + location + " has " + size + " bytes, the tensor needs bytes "
                        + offset + " to " + (offset + length));
            }
            byte[] all = Files.readAllBytes(file);
            return Arrays.copyOfRange(all, (int) offset, (int) (offset + length));
        } catch (IOException e) {
            throw new IllegalArgumentException(where + ": cannot read external data " + file + ": " + e.getMessage(), e);
        }
    }

    private static long parseLong(String s, String key, String where) {
        try {
            long v = Long.parseLong(s);
            if (v < 0) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": external data " + key + " \"" + s + "\" is not a byte count");
        }
    }

    private static ValueInfo valueInfo(ProtoReader r) {
        String name = "";
        int elem = 0;
        List<Long> dims = new ArrayList<>();
        while (r.next()) {
            if (r.field() == 1) name = r.string();
            else if (r.field() == 2) {
                ProtoReader type = r.message();
                while (type.next()) {
                    if (type.field() != 1) {
                        type.skip();
                        continue;
                    }
                    ProtoReader tensor = type.message();
                    while (tensor.next()) {
                        if (tensor.field() == 1) elem = (int) tensor.varint();
                        else if (tensor.field() == 2) {
                            ProtoReader shape = tensor.message();
                            while (shape.next()) {
                                if (shape.field() != 1) {
                                    shape.skip();
                                    continue;
                                }
                                ProtoReader dim = shape.message();
                                long value = -1;
                                while (dim.next()) {
                                    if (dim.field() == 1) value = dim.varint();
                                    else dim.skip();
                                }
                                dims.add(value);
                            }
                        } else tensor.skip();
                    }
                }
            } else r.skip();
        }
        return new ValueInfo(name, elem, dims.stream().mapToLong(Long::longValue).toArray());
    }

    static String typeName(int type) {
        return switch (type) {
            case FLOAT -> "float";
            case UINT8 -> "uint8";
            case INT8 -> "int8";
            case 4 -> "uint16";
            case 5 -> "int16";
            case INT32 -> "int32";
            case INT64 -> "int64";
            case 8 -> "string";
            case BOOL -> "bool";
            case 10 -> "float16";
            case DOUBLE -> "double";
            case 16 -> "bfloat16";
            default -> "type " + type;
        };
    }

}
