package dev.nabla.onnx;

import dev.nabla.autograd.Autograd;
import dev.nabla.autograd.NoGrad;
import dev.nabla.nn.Activation;
import dev.nabla.nn.AvgPool1D;
import dev.nabla.nn.AvgPool2D;
import dev.nabla.nn.Bidirectional;
import dev.nabla.nn.MaxPool1D;
import dev.nabla.nn.MultiHeadAttention;
import dev.nabla.nn.PositionalEmbedding;
import dev.nabla.nn.SimpleRNN;
import dev.nabla.nn.SinusoidalPositionalEmbedding;
import dev.nabla.nn.TransformerDecoderLayer;
import dev.nabla.nn.TransformerEncoderLayer;
import dev.nabla.nn.BatchNormalization;
import dev.nabla.nn.Concatenate;
import dev.nabla.nn.Conv2D;
import dev.nabla.nn.Dense;
import dev.nabla.nn.Conv1D;
import dev.nabla.nn.Dropout;
import dev.nabla.nn.DataFormat;
import dev.nabla.nn.GlobalAveragePooling1D;
import dev.nabla.nn.GlobalMaxPooling1D;
import dev.nabla.nn.Embedding;
import dev.nabla.nn.GRU;
import dev.nabla.nn.LSTM;
import dev.nabla.nn.Flatten;
import dev.nabla.nn.GlobalAveragePooling2D;
import dev.nabla.nn.Input;
import dev.nabla.nn.Layer;
import dev.nabla.nn.LayerNormalization;
import dev.nabla.nn.MaxPool2D;
import dev.nabla.nn.Padding;
import dev.nabla.nn.Reshape;
import dev.nabla.nn.SymbolicTensor;
import dev.nabla.nn.Weight;
import dev.nabla.tensor.Rng;
import dev.nabla.tensor.Tensor;
import dev.nabla.train.Functional;
import dev.nabla.train.Model;
import dev.nabla.train.Sequential;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Nabla's own ONNX exports import back into models that predict the same numbers. */
class OnnxRoundTripTest {

    @BeforeEach
    void freshNames() {
        Layer.resetNames();
    }

    /** Random weights and normalisation statistics, so that every parameter matters. */
    static void randomise(Layer model, long seed) {
        Rng rng = new Rng(seed);
        try (NoGrad ignored = Autograd.noGrad()) {
            for (Weight w : model.weights()) {
                float[] d = w.value().data();
                boolean variance = w.name().endsWith("moving_variance");
                for (int i = 0; i < d.length; i++) d[i] = variance ? 0.5f + rng.nextFloat() : (float) (0.5 * rng.nextGaussian());
            }
        }
    }

    /** Exports, imports the bytes back, and compares the two models' outputs (1e-5 of their scale) and parameter counts. */
    static Functional assertRoundTrip(Model model, Map<String, Tensor> inputs) {
        model.setTraining(false);
        Map<String, Tensor> expected = model.predict(inputs);
        Functional imported = OnnxImporter.fromBytes(OnnxExporter.toBytes(model), "export.onnx");
        imported.setTraining(false);
        Map<String, Tensor> got = imported.predict(inputs);
        assertThat(got.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach((k, v) -> OnnxImportTest.assertClose(got.get(k), v));
        assertThat(imported.trainableParameterCount()).isEqualTo(model.trainableParameterCount());
        return imported;
    }

    @Test
    void aCnnWithStridedSamePaddingAndPoolsRoundTrips() {
        Sequential m = Sequential.of(new Conv2D(4, 3, 1, Padding.VALID, true, Activation.RELU), new MaxPool2D(2, 2),
                new Conv2D(5, 3, 2, Padding.SAME, true, Activation.TANH), new AvgPool2D(2, 1), new Flatten(), Dense.of(3, Activation.SOFTMAX));
        m.buildFor(1, 2, 12, 11);
        randomise(m, 3);
        assertRoundTrip(m, Map.of("input", Tensor.normal(new Rng(4), 0, 1, 3, 2, 12, 11)));
    }

    @Test
    void normalisationGlobalPoolingAndReshapeRoundTrip() {
        Sequential m = Sequential.of(new Reshape(2, 4, 4), new Conv2D(3, 3, 1, Padding.SAME, false, Activation.LINEAR),
                new BatchNormalization(), new GlobalAveragePooling2D(), new Dropout(0.5), Dense.of(4), new BatchNormalization(),
                new LayerNormalization(), Dense.of(2, Activation.SOFTMAX));
        m.buildFor(1, 32);
        randomise(m, 5);
        assertRoundTrip(m, Map.of("input", Tensor.normal(new Rng(6), 0, 1, 5, 32)));
    }

    @Test
    void stackedLstmsRoundTrip() {
        Sequential m = Sequential.of(new LSTM(null, 8, true), new LSTM(null, 6, false), Dense.of(3));
        m.buildFor(1, 5, 4);
        randomise(m, 11);
        assertRoundTrip(m, Map.of("input", Tensor.normal(new Rng(12), 0, 1, 3, 5, 4)));
    }

    @Test
    void anEmbeddingGruAndSequenceOutputRoundTrip() {
        Sequential m = Sequential.of(Embedding.of(10, 4), new GRU(null, 5, true), new GRU(null, 3, false), Dense.of(2));
        m.buildFor(1, 6);
        randomise(m, 13);
        float[] ids = new float[18];
        Rng rng = new Rng(14);
        for (int i = 0; i < ids.length; i++) ids[i] = rng.nextInt(10);
        assertRoundTrip(m, Map.of("input", Tensor.of(ids, 3, 6)));
    }

    @Test
    void aDenseOnSequencesRoundTripsThroughMatMulAndAdd() {
        Sequential m = Sequential.of(new LSTM(null, 6, true), Dense.of(4, Activation.TANH), new Conv1D(3, 2), new GlobalAveragePooling1D(), Dense.of(2));
        // and the max over the channels-first time axis
        Layer.resetNames();
        Sequential pooled = Sequential.of(new Conv1D(4, 3), new GlobalMaxPooling1D(DataFormat.CHANNELS_FIRST), Dense.of(2));
        pooled.buildFor(1, 3, 7);
        randomise(pooled, 17);
        assertRoundTrip(pooled, Map.of("input", Tensor.normal(new Rng(18), 0, 1, 2, 3, 7)));
        m.buildFor(1, 5, 3);
        randomise(m, 15);
        assertRoundTrip(m, Map.of("input", Tensor.normal(new Rng(16), 0, 1, 2, 5, 3)));
    }

    @Test
    void aTwoInputFunctionalModelRoundTripsWithItsNames() {
        SymbolicTensor a = Input.of("a", 3), b = Input.of("b", 5);
        SymbolicTensor h = new Concatenate().call(Dense.of(4, Activation.RELU).call(a), Dense.of(6, Activation.SIGMOID).call(b));
        Functional m = Model.of(List.of(a, b), Map.of("score", Dense.of(2).call(h)));
        randomise(m, 7);
        assertRoundTrip(m, Map.of("a", Tensor.normal(new Rng(8), 0, 1, 4, 3), "b", Tensor.normal(new Rng(9), 0, 1, 4, 5)));
    }

    private static Tensor ids(int batch, int time, int vocab, long seed) {
        float[] ids = new float[batch * time];
        Rng rng = new Rng(seed);
        for (int i = 0; i < ids.length; i++) ids[i] = rng.nextInt(vocab);
        return Tensor.of(ids, batch, time);
    }

    @Test
    void conv1dWithStridePaddingDilationAndBothPoolsRoundTrips() {
        Sequential m = Sequential.of(new Conv1D(4, 3, 2, 1, 1, true, Activation.RELU), new MaxPool1D(2, 1),
                new Conv1D(3, 2, 1, 0, 2, false, Activation.TANH), new AvgPool1D(2, 2), new Flatten(), Dense.of(2));
        m.buildFor(1, 3, 16);
        randomise(m, 21);
        assertRoundTrip(m, Map.of("input", Tensor.normal(new Rng(22), 0, 1, 2, 3, 16)));
    }

    @Test
    void simpleRnnsRoundTrip() {
        Sequential m = Sequential.of(new SimpleRNN(null, 5, true), new SimpleRNN(null, 4, false), Dense.of(2));
        m.buildFor(1, 6, 3);
        randomise(m, 23);
        assertRoundTrip(m, Map.of("input", Tensor.normal(new Rng(24), 0, 1, 3, 6, 3)));
    }

    @Test
    void bidirectionalLstmAndGruRoundTrip() {
        Sequential m = Sequential.of(Bidirectional.of(new LSTM(null, 4, true)), Bidirectional.of(new GRU(null, 3, false)), Dense.of(2));
        m.buildFor(1, 5, 3);
        randomise(m, 25);
        assertRoundTrip(m, Map.of("input", Tensor.normal(new Rng(26), 0, 1, 2, 5, 3)));
    }

    @Test
    void selfCausalAndCrossAttentionRoundTrip() {
        SymbolicTensor a = Input.of("a", 5, 8), b = Input.of("b", 3, 8);
        SymbolicTensor self = new MultiHeadAttention(null, 2, 4, false).call(a);
        SymbolicTensor causal = new MultiHeadAttention(null, 4, 2, true).call(self);
        SymbolicTensor cross = new MultiHeadAttention(null, 2, 3, false).call(causal, b);
        SymbolicTensor three = new MultiHeadAttention(null, 1, 4, false).call(cross, b, b);
        Functional m = Model.of(List.of(a, b), Map.of("out", new GlobalAveragePooling1D().call(three)));
        randomise(m, 27);
        assertRoundTrip(m, Map.of("a", Tensor.normal(new Rng(28), 0, 1, 2, 5, 8), "b", Tensor.normal(new Rng(29), 0, 1, 2, 3, 8)));
    }

    @Test
    void transformerEncoderAndDecoderLayersWithPositionalEmbeddingsRoundTrip() {
        SymbolicTensor src = Input.of("src", 6), tgt = Input.of("tgt", 4);
        SymbolicTensor x = new PositionalEmbedding(6, 8).call(Embedding.of(11, 8).call(src));
        x = new TransformerEncoderLayer(null, 8, 2, 16, 0.0, TransformerEncoderLayer.FeedForwardActivation.GELU, true, 1e-5).call(x);
        x = new TransformerEncoderLayer(null, 8, 2, 12, 0.0, TransformerEncoderLayer.FeedForwardActivation.RELU, false, 1e-5).call(x);
        SymbolicTensor y = new SinusoidalPositionalEmbedding().call(Embedding.of(11, 8).call(tgt));
        y = new TransformerDecoderLayer(null, 8, 4, 16, 0.0, TransformerEncoderLayer.FeedForwardActivation.RELU, false, 1e-5).call(y, x);
        Functional m = Model.of(List.of(src, tgt), Map.of("logits", Dense.of(11).call(y)));
        randomise(m, 31);
        Functional imported = assertRoundTrip(m, Map.of("src", ids(2, 6, 11, 32), "tgt", ids(2, 4, 11, 33)));
        List<String> types = imported.nodes().stream().filter(t -> t.layer() != null).map(t -> t.layer().type()).toList();
        // the encoders (pre-LN and post-LN) fold back into their layers; the decoder stays attention, norms and Denses
        assertThat(types).containsSequence("TransformerEncoderLayer", "TransformerEncoderLayer").contains("MultiHeadAttention");
    }

    /** Dot (without normalising) exports as Transpose, Reshape and a batched MatMul: that MatMul imports as a Dot. */
    @Test
    void dotProductsRoundTripThroughABatchedMatMul() {
        SymbolicTensor a = Input.of("a", 4, 3), b = Input.of("b", 5, 3), v = Input.of("v", 3);
        SymbolicTensor scores = new dev.nabla.nn.Dot(2).call(a, b); // [batch, 4, 5]
        SymbolicTensor mixed = new dev.nabla.nn.Dot(null, 1, 2, false).call(a, Dense.of(4).call(b)); // a's axis 1 with the Dense's features
        SymbolicTensor pair = new dev.nabla.nn.Dot(1).call(v, Dense.of(3).call(v)); // [batch, 1]
        Functional m = Model.of(List.of(a, b, v), Map.of("scores", new Flatten().call(scores), "mixed", new Flatten().call(mixed), "pair", pair));
        randomise(m, 41);
        Functional imported = assertRoundTrip(m, Map.of("a", Tensor.normal(new Rng(42), 0, 1, 2, 4, 3), "b", Tensor.normal(new Rng(43), 0, 1, 2, 5, 3),
                "v", Tensor.normal(new Rng(44), 0, 1, 2, 3)));
        assertThat(imported.nodes().stream().filter(t -> t.layer() instanceof dev.nabla.nn.Dot).count()).isEqualTo(3);
    }

    /** A CategoryEmbedding's Gathers, Casts, table Gathers, Flattens and Concat import as the one layer again. */
    @Test
    void categoryEmbeddingsRoundTripAsTheirLayer() {
        Sequential mixed = Sequential.of(dev.nabla.nn.CategoryEmbedding.of(Map.of(0, 6, 2, 4), 3), Dense.of(2));
        mixed.buildFor(1, 4);
        randomise(mixed, 45);
        Functional imported = assertRoundTrip(mixed, Map.of("input", Tensor.of(new float[] {5, 0.5f, 3, -1f, 0, 2f, 1, 0.25f}, 2, 4)));
        assertThat(imported.nodes().get(0).layer()).isInstanceOf(dev.nabla.nn.CategoryEmbedding.class);
        assertThat(imported.nodes().get(0).layer().name()).isEqualTo("category_embedding");
        Layer.resetNames();
        Sequential only = Sequential.of(dev.nabla.nn.CategoryEmbedding.of(Map.of(0, 5), 2), Dense.of(2)); // no numeric column: no Concat
        only.buildFor(1, 1);
        randomise(only, 46);
        assertThat(assertRoundTrip(only, Map.of("input", Tensor.of(new float[] {4, 0, 2}, 3, 1))).nodes().get(0).layer())
                .isInstanceOf(dev.nabla.nn.CategoryEmbedding.class);
    }

    /** Ids with the padding index 0 after 4, 5 and 1 real steps of the 3 rows. */
    private static Tensor padded(int vocab, long seed) {
        Tensor in = ids(3, 6, vocab - 1, seed);
        float[] d = in.data();
        for (int i = 0; i < d.length; i++) d[i] += 1;
        d[4] = 0;
        d[5] = 0;
        d[6 + 5] = 0;
        for (int t = 1; t < 6; t++) d[12 + t] = 0;
        return in;
    }

    /**
     * An Embedding with a padding index masks the recurrent layers' steps, the attention's keys (also under the
     * decoder's causal mask) and the pooling: the imported Embedding gets the padding index back, and Nabla routes it.
     */
    @Test
    void paddingMasksRoundTrip() {
        SymbolicTensor tokens = Input.of("tokens", 6), target = Input.of("target", 6);
        SymbolicTensor e = new Embedding("embed", 9, 8, 0, dev.nabla.nn.Initializers.glorotUniform()).call(tokens);
        SymbolicTensor h = new LSTM(null, 8, true).call(e);
        h = Bidirectional.of(new GRU(null, 4, true)).call(h);
        h = new MultiHeadAttention(null, 2, 4, false).call(h);
        h = new TransformerEncoderLayer(null, 8, 2, 16, 0.0, TransformerEncoderLayer.FeedForwardActivation.RELU, false, 1e-5).call(h);
        SymbolicTensor y = new Embedding("target_embed", 9, 8, 0, dev.nabla.nn.Initializers.glorotUniform()).call(target);
        y = new TransformerDecoderLayer(null, 8, 2, 16, 0.0, TransformerEncoderLayer.FeedForwardActivation.GELU, true, 1e-5).call(y, h);
        SymbolicTensor pooled = new Concatenate().call(new GlobalAveragePooling1D().call(h), new GlobalMaxPooling1D().call(y));
        Functional m = Model.of(List.of(tokens, target), Map.of("out", Dense.of(3).call(pooled)));
        randomise(m, 35);
        assertRoundTrip(m, Map.of("tokens", padded(9, 36), "target", padded(9, 37)));
    }
}
