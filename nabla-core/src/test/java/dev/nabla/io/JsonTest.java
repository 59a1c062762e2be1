package dev.nabla.io;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonTest {

    private static String nested(int levels) {
        return "[".repeat(levels) + "]".repeat(levels);
    }

    @Test
    void nestingDeeperThanTheLimitIsRefusedWithTheDepthAndOffset() {
        assertThat(Json.parse(nested(Json.MAX_DEPTH))).isInstanceOf(List.class);
        assertThatThrownBy(() -> Json.parseObject("{\"a\":" + nested(5000) + "}", "m.nabla!config.json"))
                .isInstanceOf(IllegalArgumentException.class)
                // the object is level 1, so the array that opens level 513 is the 512th '[', at offset 5 + 511
                .hasMessage("m.nabla!config.json: JSON: nested deeper than " + Json.MAX_DEPTH + " levels at line 1, column "
                        + (5 + Json.MAX_DEPTH) + " (offset " + (5 + Json.MAX_DEPTH - 1) + ")");
    }

    @Test
    void aSafetensorsHeaderNestedTooDeepIsRefusedNamingTheFile() {
        byte[] header = ("{\"a\":" + nested(5000) + "}").getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length).put(header);
        assertThatThrownBy(() -> SafeTensors.read(b.array(), "w.safetensors"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("w.safetensors: bad safetensors header: JSON: nested deeper than " + Json.MAX_DEPTH + " levels");
    }

    @Test
    void aNumberThatOverflowsToInfinityIsRefusedWithItsOffset() {
        assertThatThrownBy(() -> Json.parseObject("{\"lr\": 1e400}", "c.json"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("c.json: JSON: number '1e400' is out of range of a double at line 1, column 8 (offset 7)");
        assertThatThrownBy(() -> Json.parse("-1e400")).hasMessageContaining("'-1e400' is out of range");
        assertThat(Json.parse("1e-400")).isEqualTo(0.0); // underflow to zero loses nothing that matters
    }

    @Test
    void nonFiniteNumbersAreWrittenAsPythonWritesThemAndReadBack() {
        String text = Json.write(Map.of("loss", List.of(1.5, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY)));
        assertThat(text).isEqualTo("{\"loss\":[1.5,NaN,Infinity,-Infinity]}");
        assertThat(Json.parseObject(text).get("loss"))
                .isEqualTo(List.of(1.5, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY));
        assertThat(Json.write(Float.NaN)).isEqualTo("NaN");
    }
}
