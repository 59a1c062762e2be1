package dev.nabla.io;

import dev.nabla.tensor.Tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The safetensors format (as read by Python's {@code safetensors}): an 8-byte little-endian header length, a JSON
 * header naming each tensor's dtype, shape and byte range, then the raw little-endian data. Nabla writes F32 only;
 * it reads F32, and F64, F16 and BF16 (PyTorch's half-precision checkpoints) widened or rounded to float32.
 */
public final class SafeTensors {
    private SafeTensors() {}

    /** Serialises named tensors in the map's order, with optional string metadata. */
    public static byte[] write(Map<String, Tensor> tensors, Map<String, String> metadata) {
        Map<String, Object> header = new LinkedHashMap<>();
        if (metadata != null && !metadata.isEmpty()) header.put("__metadata__", new LinkedHashMap<>(metadata));
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (e.getKey().equals("__metadata__")) throw new IllegalArgumentException("safetensors: reserved name __metadata__");
            Tensor t = e.getValue();
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("dtype", "F32");
            info.put("shape", t.shape());
            long bytes = 4L * t.size();
            info.put("data_offsets", new long[] {offset, offset + bytes});
            header.put(e.getKey(), info);
            offset += bytes;
        }
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8; // the data starts 8-byte aligned
        if (offset + padded + 8 > Integer.MAX_VALUE) throw new IllegalArgumentException("safetensors: more than 2 GB");
        ByteBuffer buf = ByteBuffer.allocate((int) (8 + padded + offset)).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(padded);
        buf.put(json);
        for (int i = json.length; i < padded; i++) buf.put((byte) ' ');
        // asFloatBuffer() does not advance buf, so each tensor is placed at its own offset.
        int pos = 8 + padded;
        for (Tensor t : tensors.values()) {
            buf.position(pos);
            buf.asFloatBuffer().put(t.data());
            pos += 4 * t.size();
        }
        return buf.array();
    }

    /** The tensors of a safetensors file, in file order, as float32. {@code source} names the file in errors. */
    public static Map<String, Tensor> read(byte[] bytes, String source) {
        return parse(bytes, source, name -> false).tensors;
    }

    /** As {@link #read(byte[], String)}, leaving out the tensors {@code skip} accepts, whatever their dtype (PyTorch's int64 counters). */
    public static Map<String, Tensor> read(byte[] bytes, String source, java.util.function.Predicate<String> skip) {
        return parse(bytes, source, skip).tensors;
    }

    /** The string metadata of a safetensors file (empty if none). */
    public static Map<String, String> metadata(byte[] bytes, String source) {
        return parse(bytes, source, name -> false).metadata;
    }

    /**
     * The whole length (8 + header + data) that a safetensors file declares in its header, which is its JSON text
     * without the 8-byte length field; lets a reader stop at that length instead of trusting a container's sizes.
     */
    public static long declaredLength(byte[] header, String source) {
        long dataEnd = 0;
        for (Map.Entry<String, Object> e : parseHeader(header, 0, header.length, source).entrySet()) {
            if (e.getKey().equals("__metadata__")) continue;
            dataEnd = Math.max(dataEnd, offsets(JsonFields.of(e.getValue(), source + ": header '" + e.getKey() + "'"))[1]);
        }
        return 8L + header.length + dataEnd;
    }

    private static Map<String, Object> parseHeader(byte[] bytes, int start, int length, String source) {
        try {
            return Json.parseObject(new String(bytes, start, length, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": bad safetensors header: " + e.getMessage(), e);
        }
    }

    /** A tensor's [begin, end) byte range in the data. */
    private static int[] offsets(JsonFields info) {
        int[] offsets = info.requireShape("data_offsets");
        if (offsets.length != 2) throw info.error("data_offsets", "expected [begin, end], got " + Arrays.toString(offsets).replace(" ", ""));
        return offsets;
    }

    private static final class Parsed {
        final Map<String, Tensor> tensors = new LinkedHashMap<>();
        final Map<String, String> metadata = new LinkedHashMap<>();
    }

    private static Parsed parse(byte[] bytes, String source, java.util.function.Predicate<String> skip) {
        if (bytes.length < 8) throw new IllegalArgumentException(source + ": not a safetensors file (" + bytes.length + " bytes)");
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long n = buf.getLong();
        if (n < 2 || n > bytes.length - 8) {
            throw new IllegalArgumentException(source + ": bad safetensors header length " + n + " (file has "
                    + bytes.length + " bytes)");
        }
        Map<String, Object> header = parseHeader(bytes, 8, (int) n, source);
        int dataStart = 8 + (int) n;
        long dataLength = bytes.length - dataStart;
        Parsed out = new Parsed();
        for (Map.Entry<String, Object> e : header.entrySet()) {
            JsonFields info = JsonFields.of(e.getValue(), source + ": header '" + e.getKey() + "'");
            if (e.getKey().equals("__metadata__")) {
                for (Map.Entry<?, ?> m : info.map().entrySet()) out.metadata.put(String.valueOf(m.getKey()), String.valueOf(m.getValue()));
                continue;
            }
            if (skip.test(e.getKey())) continue;
            out.tensors.put(e.getKey(), tensor(bytes, dataStart, dataLength, e.getKey(), info, source));
        }
        return out;
    }

    /** An IEEE half-precision value as float32 (exact: every half is a float). */
    static float halfToFloat(short h) {
        int sign = (h & 0x8000) << 16, exponent = (h >>> 10) & 0x1F, mantissa = h & 0x3FF;
        if (exponent == 0x1F) return Float.intBitsToFloat(sign | 0x7F800000 | mantissa << 13); // infinity, NaN
        if (exponent != 0) return Float.intBitsToFloat(sign | (exponent + 112) << 23 | mantissa << 13);
        float subnormal = mantissa * 0x1p-24f; // no implicit leading 1
        return sign != 0 ? -subnormal : subnormal;
    }

    /** One tensor, its shape and byte range checked against the data actually present before anything is allocated. */
    private static Tensor tensor(byte[] bytes, int dataStart, long dataLength, String name, JsonFields info, String source) {
        Object dtype = info.map().get("dtype");
        int width = "F32".equals(dtype) ? 4 : "F64".equals(dtype) ? 8 : "F16".equals(dtype) || "BF16".equals(dtype) ? 2 : 0;
        if (width == 0) {
            throw new IllegalArgumentException(source + ": tensor '" + name + "' has dtype " + dtype + "; Nabla reads F32 (and F64, F16, BF16 as float32)");
        }
        int[] shape = info.requireShape("shape");
        int[] offsets = offsets(info);
        long begin = offsets[0], end = offsets[1];
        // the element count, stopping as soon as it exceeds what the data could hold (so it cannot overflow)
        long count = 1;
        for (int d : shape) count = Math.min(count * d, dataLength + 1);
        if (end > dataLength || end - begin != width * count) {
            throw new IllegalArgumentException(source + ": tensor '" + name + "' byte range [" + begin + ", " + end
                    + ") does not fit shape " + Arrays.toString(shape) + " in " + dataLength + " data bytes (truncated file?)");
        }
        // zeros(shape) keeps shape [] a scalar (Tensor.of with no shape would make it 1-D)
        Tensor t = Tensor.zeros(shape);
        ByteBuffer slice = ByteBuffer.wrap(bytes, dataStart + (int) begin, (int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN);
        float[] data = t.data();
        switch (width) {
            case 4 -> slice.asFloatBuffer().get(data);
            case 8 -> { for (int i = 0; i < data.length; i++) data[i] = (float) slice.getDouble(); }
            default -> {
                boolean bf16 = "BF16".equals(dtype);
                for (int i = 0; i < data.length; i++) {
                    short h = slice.getShort();
                    data[i] = bf16 ? Float.intBitsToFloat((h & 0xFFFF) << 16) : halfToFloat(h);
                }
            }
        }
        return t;
    }
}
