package dev.nabla.io;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProtoReaderTest {

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) b[i] = (byte) values[i];
        return b;
    }

    @Test
    void readsVarintsOfEveryLengthIncludingNegativeInt64() {
        // field 1 = 300 (0xAC 0x02), field 2 = -1 as int64 (ten bytes), field 3 = 0
        byte[] msg = bytes(0x08, 0xAC, 0x02, 0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x18, 0x00);
        ProtoReader r = new ProtoReader(msg, "t");
        List<Long> values = new ArrayList<>();
        while (r.next()) values.add(r.varint());
        assertThat(values).containsExactly(300L, -1L, 0L);
    }

    @Test
    void readsFixedWidthFloatsAndDoubles() {
        int f = Float.floatToIntBits(1.5f);
        long d = Double.doubleToLongBits(-2.25);
        byte[] msg = new byte[1 + 4 + 1 + 8];
        msg[0] = (1 << 3) | 5;
        for (int i = 0; i < 4; i++) msg[1 + i] = (byte) (f >>> (8 * i));
        msg[5] = (2 << 3) | 1;
        for (int i = 0; i < 8; i++) msg[6 + i] = (byte) (d >>> (8 * i));
        ProtoReader r = new ProtoReader(msg, "t");
        assertThat(r.next()).isTrue();
        assertThat(r.float32()).isEqualTo(1.5f);
        assertThat(r.next()).isTrue();
        assertThat(r.field()).isEqualTo(2);
        assertThat(r.float64()).isEqualTo(-2.25);
        assertThat(r.next()).isFalse();
    }

    @Test
    void readsStringsNestedMessagesAndPackedRepeatedFields() {
        byte[] name = "ab".getBytes(StandardCharsets.UTF_8);
        // field 1 "ab"; field 2 = message {field 1 = packed [1, 150]}; field 3 = packed floats [0.5]
        int h = Float.floatToIntBits(0.5f);
        byte[] msg = bytes(0x0A, 2, name[0], name[1], 0x12, 5, 0x0A, 3, 0x01, 0x96, 0x01,
                0x1A, 4, h & 0xFF, (h >>> 8) & 0xFF, (h >>> 16) & 0xFF, h >>> 24);
        ProtoReader r = new ProtoReader(msg, "t");
        r.next();
        assertThat(r.string()).isEqualTo("ab");
        r.next();
        ProtoReader inner = r.message();
        assertThat(inner.next()).isTrue();
        assertThat(inner.varints()).containsExactly(1L, 150L);
        assertThat(inner.next()).isFalse();
        r.next();
        assertThat(r.floats()).containsExactly(0.5f);
        assertThat(r.next()).isFalse();
    }

    @Test
    void acceptsUnpackedRepeatedValuesOneAtATime() {
        ProtoReader r = new ProtoReader(bytes(0x08, 0x05, 0x08, 0x06), "t");
        List<Long> all = new ArrayList<>();
        while (r.next()) for (long v : r.varints()) all.add(v);
        assertThat(all).containsExactly(5L, 6L);
    }

    @Test
    void skipsFieldsOfEveryWireType() {
        byte[] msg = bytes(0x08, 0x96, 0x01, 0x11, 1, 2, 3, 4, 5, 6, 7, 8, 0x1A, 1, 9, 0x25, 1, 2, 3, 4, 0x28, 0x2A);
        ProtoReader r = new ProtoReader(msg, "t");
        for (int i = 0; i < 4; i++) {
            r.next();
            r.skip();
        }
        r.next();
        assertThat(r.field()).isEqualTo(5);
        assertThat(r.varint()).isEqualTo(42);
    }

    @Test
    void refusesALengthPastTheEndWithItsByteOffset() {
        // field 1 at byte 0 is fine; field 2 at byte 2 claims 10 bytes, 1 remains
        ProtoReader r = new ProtoReader(bytes(0x08, 0x01, 0x12, 10, 0x00), "model.onnx");
        r.next();
        r.varint();
        r.next();
        assertThatThrownBy(r::bytes).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("model.onnx: malformed protobuf at byte 3: field 2 claims 10 bytes but 1 remain (truncated?)");
    }

    @Test
    void refusesATruncatedVarintAndFixed32() {
        ProtoReader v = new ProtoReader(bytes(0x08, 0x80), "f");
        v.next();
        assertThatThrownBy(v::varint).hasMessage("f: malformed protobuf at byte 1: varint runs past the end of the message (truncated?)");
        ProtoReader f = new ProtoReader(bytes(0x0D, 1, 2), "f");
        f.next();
        assertThatThrownBy(f::fixed32).hasMessage("f: malformed protobuf at byte 1: field 1 needs 4 bytes but 2 remain (truncated?)");
    }

    @Test
    void refusesGroupWireTypesAndFieldZero() {
        assertThatThrownBy(() -> new ProtoReader(bytes(0x0B), "f").next())
                .hasMessageContaining("malformed protobuf at byte 0: wire type 3 of field 1");
        assertThatThrownBy(() -> new ProtoReader(bytes(0x00), "f").next())
                .hasMessageContaining("malformed protobuf at byte 0: field number 0");
    }

    @Test
    void aNestedMessageCountsOffsetsFromTheOutermostStart() {
        // outer field 1 = message (4 bytes) whose field 1 claims 5 bytes
        ProtoReader r = new ProtoReader(bytes(0x0A, 4, 0x0A, 5, 0, 0), "f");
        r.next();
        ProtoReader inner = r.message();
        inner.next();
        assertThatThrownBy(inner::bytes).hasMessage("f: malformed protobuf at byte 3: field 1 claims 5 bytes but 2 remain (truncated?)");
    }

    @Test
    void refusesAWrongWireTypeForTheReadAskedFor() {
        ProtoReader r = new ProtoReader(bytes(0x08, 0x01), "f");
        r.next();
        assertThatThrownBy(r::string).hasMessage("f: malformed protobuf at byte 0: field 1 has wire type 0, expected 2");
    }
}
