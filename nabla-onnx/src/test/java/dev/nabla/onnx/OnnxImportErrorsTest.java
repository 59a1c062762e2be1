package dev.nabla.onnx;

import dev.nabla.tensor.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.nabla.onnx.OnnxGraph.Attribute;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bad ONNX files are refused with one line naming the file and what is wrong; no model is returned. */
class OnnxImportErrorsTest {

    /** A graph input [batch, 4] -> Gemm(w [4, 3]) -> op -> output, with the op and attributes given. */
    private static byte[] model(String op, float[] weights, Attribute... attributes) {
        OnnxGraph g = new OnnxGraph();
        g.reserve("input");
        g.reserve("output");
        String w = g.floats("fc/kernel", weights, new int[] {4, 3});
        String y = g.node("Gemm", "fc", List.of("input", w));
        g.nodeWithOutput(op, "act", List.of(y), "output", attributes);
        Map<String, int[]> in = new LinkedHashMap<>(), out = new LinkedHashMap<>();
        in.put("input", new int[] {-1, 4});
        out.put("output", new int[] {-1, 3});
        return g.model("m", in, out, "test");
    }

    @Test
    void randomBytesAreRefusedWithTheByteOffset(@TempDir Path dir) throws Exception {
        byte[] noise = new byte[256];
        Rng rng = new Rng(1);
        for (int i = 0; i < noise.length; i++) noise[i] = (byte) rng.nextInt(256);
        noise[0] = (byte) 0x0F; // wire type 7 in the first tag: not protobuf
        Path file = dir.resolve("noise.onnx");
        Files.write(file, noise);
        assertThatThrownBy(() -> OnnxImporter.load(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("noise.onnx: malformed protobuf at byte 0: wire type 7 of field 1 (only 0, 1, 2 and 5 exist outside deprecated groups)");
    }

    @Test
    void aTruncatedFileIsRefusedWithTheOffsetWhereItEnds() {
        byte[] full = model("Relu", new float[12]);
        byte[] cut = Arrays.copyOf(full, full.length - 7);
        assertThatThrownBy(() -> OnnxImporter.fromBytes(cut, "cut.onnx")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cut.onnx: malformed protobuf at byte ")
                .hasMessageContaining("(truncated?)")
                .hasMessageNotContaining("\n");
    }

    @Test
    void anUnsupportedOpIsNamedWithItsNodeAndOpset() {
        assertThatThrownBy(() -> OnnxImporter.fromBytes(model("Hardmax", new float[12]), "m.onnx")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("m.onnx: node act/Hardmax_2 (op Hardmax, opset 17): op Hardmax is not supported");
    }

    @Test
    void anUnsupportedAttributeIsNamedWithItsValue() {
        assertThatThrownBy(() -> OnnxImporter.fromBytes(model("Softmax", new float[12], Attribute.of("axis", 0L)), "m.onnx"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("m.onnx: node act/Softmax_2 (op Softmax, opset 17): attribute axis=0 is not supported (only the last axis)");
    }

    @Test
    void anInitializerShorterThanItsShapeIsRefused() {
        assertThatThrownBy(() -> OnnxImporter.fromBytes(model("Relu", new float[8]), "short.onnx")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("short.onnx: tensor fc/kernel [4, 3]: shape needs 12 values (48 bytes of float), the data holds 32 bytes");
    }

    /** input [batch, 5, 8] -> q = x Wq, k = x Wk -> q @ k^T -> Softmax(axis); or a transpose of x fed to Relu. */
    private static byte[] attention(long softmaxAxis) {
        OnnxGraph g = new OnnxGraph();
        g.reserve("input");
        g.reserve("output");
        String q = g.node("MatMul", "q", List.of("input", g.floats("q/kernel", new float[64], new int[] {8, 8})));
        String k = g.node("MatMul", "k", List.of("input", g.floats("k/kernel", new float[64], new int[] {8, 8})));
        String kT = g.node("Transpose", "k", List.of(k), Attribute.of("perm", new long[] {0, 2, 1}));
        String scores = g.node("MatMul", "scores", List.of(q, kT));
        g.nodeWithOutput("Softmax", "p", List.of(scores), "output", Attribute.of("axis", softmaxAxis));
        Map<String, int[]> in = new LinkedHashMap<>(), out = new LinkedHashMap<>();
        in.put("input", new int[] {-1, 5, 8});
        out.put("output", new int[] {-1, 5, 5});
        return g.model("m", in, out, "test");
    }

    @Test
    void attentionScoresNormalisedOverTheQueriesAreRefused() {
        assertThatThrownBy(() -> OnnxImporter.fromBytes(attention(1), "m.onnx")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("m.onnx: node p/Softmax_8 (op Softmax, opset 17): Softmax over axis 1 of a [batch, tq5, tk5] value"
                        + " (only attention scores, over the keys) is not supported");
    }

    /** Moving the batch axis is followed only inside an attention; any other layer needs it first again. */
    @Test
    void aTensorWhoseBatchAxisMovedIsRefusedWhereAnOrdinaryLayerReadsIt() {
        OnnxGraph g = new OnnxGraph();
        g.reserve("input");
        g.reserve("output");
        String t = g.node("Transpose", "t", List.of("input"), Attribute.of("perm", new long[] {1, 0, 2}));
        g.nodeWithOutput("Relu", "act", List.of(t), "output");
        Map<String, int[]> in = new LinkedHashMap<>(), out = new LinkedHashMap<>();
        in.put("input", new int[] {-1, 5, 8});
        out.put("output", new int[] {5, -1, 8});
        assertThatThrownBy(() -> OnnxImporter.fromBytes(g.model("m", in, out, "test"), "m.onnx")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("m.onnx: node act/Relu_2 (op Relu, opset 17): an input whose batch axis is not first"
                        + " (TBF of a batch-first tensor; Nabla's layers need it first) is not supported");
    }

    @Test
    void externalDataShorterThanTheTensorIsRefused(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("mlp.onnx");
        Files.copy(OnnxImportTest.fixture("mlp.onnx"), model);
        Files.write(dir.resolve("mlp.onnx.data"), new byte[100]);
        assertThatThrownBy(() -> OnnxImporter.load(model)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("mlp.onnx: tensor 2.weight [8, 16]: external data mlp.onnx.data has 100 bytes, the tensor needs bytes ");
    }
}
