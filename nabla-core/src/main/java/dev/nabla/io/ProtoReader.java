package dev.nabla.io;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the protobuf wire format field by field: varints, length-delimited fields (strings, bytes, nested messages,
 * packed repeated numbers), fixed32 and fixed64. A small reader rather than protobuf-java and generated classes:
 * the core module stays free of dependencies, and the ONNX subset Nabla reads (a model, its graph, nodes,
 * attributes, tensors, value infos) is a few dozen fields. A malformed or truncated message is refused with an
 * {@link IllegalArgumentException} naming the origin and the byte offset (counted from the start of the file).
 *
 * <pre>{@code
 * ProtoReader r = new ProtoReader(new byte[] {0x08, 0x07}, "example");
 * while (r.next()) {
 *     if (r.field() == 1) System.out.println(r.varint());   // 7
 *     else r.skip();
 * }
 * }</pre>
 */
public final class ProtoReader {

    public static final int VARINT = 0, FIXED64 = 1, LENGTH_DELIMITED = 2, FIXED32 = 5;

    private final byte[] buf;
    private final int end;
    private final String origin;
    private int pos;
    private int field;
    private int wireType;
    private int fieldStart;

    /** Reads the message {@code bytes}; {@code origin} (e.g. the file name) starts every error message. */
    public ProtoReader(byte[] bytes, String origin) {
        this(bytes, 0, bytes.length, origin);
    }

    private ProtoReader(byte[] buf, int start, int end, String origin) {
        this.buf = buf;
        this.pos = start;
        this.end = end;
        this.origin = origin;
    }

    /** Reads the next field's tag; false at the end of the message. */
    public boolean next() {
        if (pos >= end) return false;
        fieldStart = pos;
        long tag = rawVarint();
        wireType = (int) (tag & 7);
        long f = tag >>> 3;
        if (f == 0 || f > 0x1FFFFFFF) throw error(fieldStart, "field number " + f + " (tag " + tag + ")");
        if (wireType != VARINT && wireType != FIXED64 && wireType != LENGTH_DELIMITED && wireType != FIXED32) {
            throw error(fieldStart, "wire type " + wireType + " of field " + f + " (only 0, 1, 2 and 5 exist outside deprecated groups)");
        }
        field = (int) f;
        return true;
    }

    public int field() {
        return field;
    }

    public int wireType() {
        return wireType;
    }

    /** The byte offset of the current field's tag, from the start of the outermost message. */
    public int fieldOffset() {
        return fieldStart;
    }

    public long varint() {
        expect(VARINT);
        return rawVarint();
    }

    public int fixed32() {
        expect(FIXED32);
        return rawFixed32();
    }

    public long fixed64() {
        expect(FIXED64);
        return rawFixed64();
    }

    public float float32() {
        return Float.intBitsToFloat(fixed32());
    }

    public double float64() {
        return Double.longBitsToDouble(fixed64());
    }

    public byte[] bytes() {
        int[] range = lengthDelimited();
        return Arrays.copyOfRange(buf, range[0], range[1]);
    }

    /** A UTF-8 string field. */
    public String string() {
        int[] range = lengthDelimited();
        return new String(buf, range[0], range[1] - range[0], StandardCharsets.UTF_8);
    }

    /** A nested message, read by a reader whose offsets still count from the outermost message's start. */
    public ProtoReader message() {
        int[] range = lengthDelimited();
        return new ProtoReader(buf, range[0], range[1], origin);
    }

    /** A repeated integer field: packed (length-delimited) or one unpacked varint; callers append the values. */
    public long[] varints() {
        if (wireType == VARINT) return new long[] {rawVarint()};
        int[] range = lengthDelimited();
        ProtoReader packed = new ProtoReader(buf, range[0], range[1], origin);
        long[] values = new long[range[1] - range[0]];
        int n = 0;
        while (packed.pos < packed.end) values[n++] = packed.rawVarint();
        return Arrays.copyOf(values, n);
    }

    /** A repeated float field: packed or one unpacked fixed32. */
    public float[] floats() {
        if (wireType == FIXED32) return new float[] {float32()};
        int[] range = lengthDelimited();
        int length = range[1] - range[0];
        if (length % 4 != 0) throw error(fieldStart, "packed floats of field " + field + " are " + length + " bytes, not a multiple of 4");
        float[] values = new float[length / 4];
        for (int i = 0; i < values.length; i++) values[i] = Float.intBitsToFloat(littleEndianInt(buf, range[0] + 4 * i));
        return values;
    }

    /** A repeated double field: packed or one unpacked fixed64. */
    public double[] doubles() {
        if (wireType == FIXED64) return new double[] {float64()};
        int[] range = lengthDelimited();
        int length = range[1] - range[0];
        if (length % 8 != 0) throw error(fieldStart, "packed doubles of field " + field + " are " + length + " bytes, not a multiple of 8");
        double[] values = new double[length / 8];
        for (int i = 0; i < values.length; i++) {
            values[i] = Double.longBitsToDouble(littleEndianLong(buf, range[0] + 8 * i));
        }
        return values;
    }

    /** Skips the current field's value. */
    public void skip() {
        switch (wireType) {
            case VARINT: rawVarint(); break;
            case FIXED64: advance(8); break;
            case FIXED32: advance(4); break;
            default: lengthDelimited();
        }
    }

    /** An error at the current field, for readers of a message's meaning (a field with an impossible value). */
    public IllegalArgumentException error(String reason) {
        return new IllegalArgumentException(origin + ": " + reason + " (field " + field + " at byte " + fieldStart + ")");
    }

    public static int littleEndianInt(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
    }

    public static long littleEndianLong(byte[] b, int at) {
        return (littleEndianInt(b, at) & 0xFFFFFFFFL) | (long) littleEndianInt(b, at + 4) << 32;
    }

    private void expect(int type) {
        if (wireType != type) throw error(fieldStart, "field " + field + " has wire type " + wireType + ", expected " + type);
    }

    /** The [start, end) of a length-delimited value, which must lie inside this message. */
    private int[] lengthDelimited() {
        expect(LENGTH_DELIMITED);
        int at = pos;
        long length = rawVarint();
        if (length < 0 || length > end - pos) {
            throw error(at, "field " + field + " claims " + length + " bytes but " + (end - pos) + " remain (truncated?)");
        }
        int start = pos;
        pos += (int) length;
        return new int[] {start, pos};
    }

    private long rawVarint() {
        int at = pos;
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end) throw error(at, "varint runs past the end of the message (truncated?)");
            byte b = buf[pos++];
            v |= (long) (b & 0x7F) << shift;
            if (b >= 0) return v;
        }
        throw error(at, "varint longer than 10 bytes");
    }

    private int rawFixed32() {
        int at = pos;
        advance(4);
        return littleEndianInt(buf, at);
    }

    private long rawFixed64() {
        int at = pos;
        advance(8);
        return littleEndianLong(buf, at);
    }

    private void advance(int n) {
        if (end - pos < n) throw error(pos, "field " + field + " needs " + n + " bytes but " + (end - pos) + " remain (truncated?)");
        pos += n;
    }

    private IllegalArgumentException error(int at, String reason) {
        return new IllegalArgumentException(origin + ": malformed protobuf at byte " + at + ": " + reason);
    }
}
