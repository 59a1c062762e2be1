package dev.nabla.io;

import dev.nabla.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

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
}
