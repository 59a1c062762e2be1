package dev.nabla.io;

import dev.nabla.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SafeTensorsTest {

    /** The bytes Python's safetensors writes for {"s": torch.tensor(2.5)}: the header says "shape": []. */
    static byte[] pythonScalarFile() {
        byte[] header = "{\"s\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}".getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length).put(header).putFloat(2.5f);
        return b.array();
    }

    @Test
    void aRankZeroTensorRoundTripsWithShapeEmpty() {
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("s", Tensor.scalar(2.5f));
        in.put("v", Tensor.of(new float[] {1, 2}, 2));
        byte[] bytes = SafeTensors.write(in, Map.of());
        assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("\"s\":{\"dtype\":\"F32\",\"shape\":[],");
        Map<String, Tensor> back = SafeTensors.read(bytes, "t");
        assertThat(back.get("s").shape()).isEmpty();
        assertThat(back.get("s").data()).containsExactly(2.5f);
        assertThat(back.get("v").shape()).containsExactly(2);
    }

    @Test
    void aScalarWrittenByPythonReadsAsRankZero() {
        Tensor s = SafeTensors.read(pythonScalarFile(), "py").get("s");
        assertThat(s.shape()).isEmpty();
        assertThat(s.data()).containsExactly(2.5f);
    }
    /** A safetensors file with this header and {@code dataBytes} zero data bytes. */
    static byte[] file(String header, int dataBytes) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        return b.array();
    }

    @Test
    void malformedHeaderFieldsAreRefusedNamingTheTensorAndField() {
        String[][] cases = {
            {"{\"a\":5}", "w.st: header 'a': expected an object, got 5"},
            {"{\"a\":{\"dtype\":\"F32\",\"shape\":\"abc\",\"data_offsets\":[0,4]}}", "w.st: header 'a'.shape: expected an array, got \"abc\""},
            {"{\"a\":{\"dtype\":\"F32\",\"shape\":[-1,-4],\"data_offsets\":[0,16]}}", "w.st: header 'a'.shape[0]: expected a non-negative integer, got -1"},
            {"{\"a\":{\"dtype\":\"F32\",\"shape\":[4]}}", "w.st: header 'a'.data_offsets: missing (expected an array)"},
            {"{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0]}}", "w.st: header 'a'.data_offsets: expected [begin, end], got [0]"},
            {"{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,\"x\"]}}", "w.st: header 'a'.data_offsets[1]: expected a non-negative integer, got \"x\""},
            {"{\"a\":{\"shape\":[4],\"data_offsets\":[0,16]}}", "w.st: tensor 'a' has dtype null; Nabla reads F32 (and F64, F16, BF16 as float32)"},
            {"{\"__metadata__\":[1]}", "w.st: header '__metadata__': expected an object, got an array"},
            {"{\"a\":{\"dtype\":\"F32\",\"shape\":[65536,65536,65536,65536],\"data_offsets\":[0,0]}}",
                "w.st: tensor 'a' byte range [0, 0) does not fit shape [65536, 65536, 65536, 65536] in 16 data bytes (truncated file?)"},
            {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", null},
        };
        for (String[] c : cases) {
            byte[] bytes = file(c[0], 16);
            if (c[1] == null) {
                assertThat(SafeTensors.read(bytes, "w.st").get("a").shape()).containsExactly(2);
                continue;
            }
            assertThatThrownBy(() -> SafeTensors.read(bytes, "w.st")).as(c[0])
                    .isExactlyInstanceOf(IllegalArgumentException.class).hasMessage(c[1]);
        }
    }

    @Test
    void aHeaderLengthBeyondTheFileIsRefusedBeforeAllocating() {
        byte[] bytes = file("{}", 0);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40);
        assertThatThrownBy(() -> SafeTensors.read(bytes, "w.st")).isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("w.st: bad safetensors header length 1099511627776 (file has 10 bytes)");
    }
}
