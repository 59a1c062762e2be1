package dev.nabla.onnx;

import dev.nabla.io.Json;
import dev.nabla.tensor.Tensor;
import dev.nabla.train.Functional;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Imports the PyTorch-exported fixtures (src/test/resources/onnx, copied from the shared fixtures: each .json holds
 * an input batch and ONNX Runtime's output for it) and checks Nabla's prediction against ONNX Runtime's.
 */
class OnnxImportTest {

    static Path fixture(String name) {
        try {
            return Path.of(OnnxImportTest.class.getResource("/onnx/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A nested JSON list as a tensor. */
    static Tensor tensor(Object nested) {
        List<Integer> shape = new ArrayList<>();
        Object o = nested;
        while (o instanceof List<?> l) {
            shape.add(l.size());
            o = l.get(0);
        }
        List<Float> flat = new ArrayList<>();
        flatten(nested, flat);
        float[] data = new float[flat.size()];
        for (int i = 0; i < data.length; i++) data[i] = flat.get(i);
        return Tensor.of(data, shape.stream().mapToInt(Integer::intValue).toArray());
    }

    private static void flatten(Object o, List<Float> into) {
        if (o instanceof List<?> l) for (Object e : l) flatten(e, into);
        else into.add(((Number) o).floatValue());
    }

    /** Imports {@code name}.onnx, predicts the fixture's input batch, compares with ORT's output to 1e-5 of its scale. */
    static void assertImportMatchesOrt(String name) throws Exception {
        Functional model = OnnxImporter.load(fixture(name + ".onnx"));
        Map<String, Object> json = Json.parseObject(Files.readString(fixture(name + ".json")));
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> inputs = (Map<String, Map<String, Object>>) json.get("inputs");
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        inputs.forEach((k, v) -> feeds.put(k, tensor(v.get("data"))));
        model.setTraining(false);
        Tensor got = model.predict(feeds).get(model.outputNames().get(0));
        assertClose(got, tensor(json.get("output")));
    }

    static void assertClose(Tensor got, Tensor expected) {
        assertThat(got.shape()).containsExactly(expected.shape());
        double scale = 0;
        for (float v : expected.data()) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < got.size(); i++) {
            assertThat((double) got.data()[i]).as("element %d", i).isCloseTo(expected.data()[i], org.assertj.core.data.Offset.offset(1e-5 * scale));
        }
    }

    @Test
    void mlpFixturePredictsOrtOutput() throws Exception {
        assertImportMatchesOrt("mlp");
    }

    @Test
    void cnnFixturePredictsOrtOutput() throws Exception {
        assertImportMatchesOrt("cnn");
    }

    @Test
    void residualMlpFixturePredictsOrtOutput() throws Exception {
        assertImportMatchesOrt("residual_mlp");
    }

    @Test
    void twoInputsFixturePredictsOrtOutput() throws Exception {
        assertImportMatchesOrt("two_inputs");
    }

    @Test
    void lstmClassifierFixturePredictsOrtOutput() throws Exception {
        assertImportMatchesOrt("lstm_classifier");
    }

    @Test
    void gruEmbeddingFixturePredictsOrtOutput() throws Exception {
        assertImportMatchesOrt("gru_embedding");
    }

    /**
     * PyTorch's pre-LN encoder layer: its attention subgraph (time-major, batch * heads) becomes one
     * MultiHeadAttention, and with its norms, residual Adds and feed-forward Denses one TransformerEncoderLayer.
     */
    @Test
    void transformerEncoderFixturePredictsOrtOutputThroughNablasEncoderLayer() throws Exception {
        assertImportMatchesOrt("transformer_encoder");
        Functional model = OnnxImporter.load(fixture("transformer_encoder.onnx"));
        List<String> types = new ArrayList<>();
        model.nodes().forEach(t -> {
            if (t.layer() != null) types.add(t.layer().getClass().getSimpleName());
        });
        assertThat(types).containsExactly("TransformerEncoderLayer", "GlobalAveragePooling1D", "LayerNormalization", "Dense");
        assertThat(model.nodes().get(0).layer().config()).containsEntry("norm_first", true).containsEntry("activation", "gelu")
                .containsEntry("heads", 2).containsEntry("dim_feedforward", 16).containsEntry("name", "enc");
        assertThat(model.trainableParameterCount()).isEqualTo(3 * 8 * 8 + 3 * 8 + 8 * 8 + 8 + 3 * 16 + 2 * 8 * 16 + 16 + 8 + 4 * 8 + 4);
    }

    private static List<String> layerTypes(Functional model) {
        List<String> types = new ArrayList<>();
        model.nodes().forEach(t -> {
            if (t.layer() != null) types.add(t.layer().type());
        });
        return types;
    }

    /**
     * The TorchScript exporter (dynamo=False, torchscript_models.py) writes attention with batch * heads in its shape
     * arithmetic, a runtime-computed scale and Identity copies of equal parameters: it too becomes one encoder layer.
     */
    @Test
    void torchScriptEncoderPredictsOrtOutputThroughNablasEncoderLayer() throws Exception {
        assertImportMatchesOrt("ts_encoder");
        assertThat(layerTypes(OnnxImporter.load(fixture("ts_encoder.onnx")))).containsExactly("TransformerEncoderLayer", "GlobalAveragePooling1D", "Dense");
    }

    /** TorchScript's bidirectional GRU and LSTM (ConstantOfShape initial states, the last state hn[-1]). */
    @Test
    void torchScriptRecurrentLayersPredictOrtOutput() throws Exception {
        assertImportMatchesOrt("ts_rnn");
        assertThat(layerTypes(OnnxImporter.load(fixture("ts_rnn.onnx")))).containsExactly("Bidirectional", "LSTM", "Dense");
    }

    /** input [batch, 4] -> Unsqueeze(axes) -> Relu -> output. */
    private static byte[] unsqueezed(long axis) {
        OnnxGraph g = new OnnxGraph();
        g.reserve("input");
        g.reserve("output");
        String u = g.node("Unsqueeze", "u", List.of("input", g.int64s("axes", new long[] {axis})));
        g.nodeWithOutput("Relu", "act", List.of(u), "output");
        Map<String, int[]> in = new LinkedHashMap<>(), out = new LinkedHashMap<>();
        in.put("input", new int[] {-1, 4});
        out.put("output", new int[] {-1, 1, 4});
        return g.model("m", in, out, "test");
    }

    /** An Unsqueeze after the batch axis read by an ordinary layer is a Reshape; one before the batch axis is refused. */
    @Test
    void anUnsqueezeKeepingTheBatchFirstIsAReshape() {
        Functional model = OnnxImporter.fromBytes(unsqueezed(1), "m.onnx");
        Tensor x = Tensor.of(new float[] {1, -2, 3, -4, -5, 6, -7, 8}, 2, 4);
        assertClose(model.predict(x), Tensor.of(new float[] {1, 0, 3, 0, 0, 6, 0, 8}, 2, 1, 4));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> OnnxImporter.fromBytes(unsqueezed(0), "m.onnx"))
                .hasMessage("m.onnx: node act/Relu_2 (op Relu, opset 17): a tensor unsqueezed before its batch axis as an input is not supported");
    }

    /** TorchScript's exporter names a weight it folded (BatchNorm into Conv) onnx::Conv_26; the layer takes its node's module. */
    @Test
    void anAnonymousTorchScriptWeightIsNamedAfterItsNodesModule() {
        OnnxGraph g = new OnnxGraph();
        g.reserve("input");
        g.reserve("output");
        g.nodeWithOutput("Gemm", "/fc1", List.of("input", g.floats("onnx::Gemm_5", new float[12], new int[] {4, 3})), "output");
        Map<String, int[]> in = new LinkedHashMap<>(), out = new LinkedHashMap<>();
        in.put("input", new int[] {-1, 4});
        out.put("output", new int[] {-1, 3});
        Functional model = OnnxImporter.fromBytes(g.model("m", in, out, "test"), "m.onnx");
        assertThat(model.weights().get(0).name()).isEqualTo("fc1/kernel");
    }

    @Test
    void initializersBecomeTrainableWeightsNamedAfterTheirModules() {
        Functional model = OnnxImporter.load(fixture("residual_mlp.onnx"));
        List<String> names = new ArrayList<>();
        model.weights().forEach(w -> names.add(w.name()));
        assertThat(names).containsExactly("inp/kernel", "inp/bias", "f1/kernel", "f1/bias", "f2/kernel", "f2/bias", "out/kernel", "out/bias");
        assertThat(model.trainableParameterCount()).isEqualTo(4 * 12 + 12 + 2 * (12 * 12 + 12) + 12 * 3 + 3);
    }
}
