package dev.nabla.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.nabla.autograd.Autograd;
import dev.nabla.autograd.NoGrad;
import dev.nabla.nn.Activation;
import dev.nabla.nn.ActivationLayer;
import dev.nabla.nn.Add;
import dev.nabla.nn.Average;
import dev.nabla.nn.Bidirectional;
import dev.nabla.nn.GRU;
import dev.nabla.nn.LSTM;
import dev.nabla.nn.SimpleRNN;
import dev.nabla.nn.Concatenate;
import dev.nabla.nn.DataFormat;
import dev.nabla.nn.Dot;
import dev.nabla.nn.Input;
import dev.nabla.nn.Maximum;
import dev.nabla.nn.Minimum;
import dev.nabla.nn.Multiply;
import dev.nabla.nn.Subtract;
import dev.nabla.nn.SymbolicTensor;
import dev.nabla.nn.AvgPool2D;
import dev.nabla.nn.BatchNormalization;
import dev.nabla.nn.Conv1D;
import dev.nabla.nn.Conv2D;
import dev.nabla.nn.Dense;
import dev.nabla.nn.Dropout;
import dev.nabla.nn.CategoryEmbedding;
import dev.nabla.nn.Embedding;
import dev.nabla.nn.Flatten;
import dev.nabla.nn.AvgPool1D;
import dev.nabla.nn.GlobalAveragePooling1D;
import dev.nabla.nn.GlobalMaxPooling1D;
import dev.nabla.nn.MaxPool1D;
import dev.nabla.nn.GlobalAveragePooling2D;
import dev.nabla.nn.Layer;
import dev.nabla.nn.LayerNormalization;
import dev.nabla.nn.MaxPool2D;
import dev.nabla.nn.MultiHeadAttention;
import dev.nabla.nn.PositionalEmbedding;
import dev.nabla.nn.SinusoidalPositionalEmbedding;
import dev.nabla.nn.TransformerBlock.FeedForwardActivation;
import dev.nabla.nn.TransformerDecoderLayer;
import dev.nabla.nn.TransformerEncoderLayer;
import dev.nabla.nn.Padding;
import dev.nabla.nn.Permute;
import dev.nabla.nn.RepeatVector;
import dev.nabla.nn.Reshape;
import dev.nabla.nn.UpSampling2D;
import dev.nabla.nn.ZeroPadding2D;
import dev.nabla.nn.losses.Losses;
import dev.nabla.optim.Optimizers;
import dev.nabla.tensor.Rng;
import dev.nabla.tensor.Tensor;
import dev.nabla.train.FitOptions;
import dev.nabla.train.Functional;
import dev.nabla.train.Model;
import dev.nabla.train.Sequential;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every exportable layer, run by ONNX Runtime (an independent implementation) against Nabla's predict. */
class OnnxExportTest {

    private static final OrtEnvironment ORT = OrtEnvironment.getEnvironment();

    @BeforeEach
    void freshNames() {
        Layer.resetNames();
    }

    /**
     * Exports, runs in ONNX Runtime on {@code x}, and compares with predict within 1e-5 (relative to the output scale);
     * then imports the export back and compares again (every model Nabla exports imports).
     */
    private static void assertOrtMatches(Sequential model, Tensor x) throws Exception {
        byte[] onnx = OnnxExporter.toBytes(model);
        Tensor expected = model.predict(x);
        long[] shape = new long[x.rank()];
        for (int i = 0; i < shape.length; i++) shape[i] = x.dim(i);
        try (OrtSession session = ORT.createSession(onnx, new OrtSession.SessionOptions());
             OnnxTensor input = OnnxTensor.createTensor(ORT, FloatBuffer.wrap(x.data()), shape);
             OrtSession.Result result = session.run(Map.of("input", input))) {
            assertClose("output", (OnnxTensor) result.get(0), expected);
        }
        OnnxRoundTripTest.assertRoundTrip(model, Map.of("input", x));
    }

    /**
     * A functional model exported and run in ONNX Runtime on named inputs: each named output within 1e-5 of Nabla's
     * (inference mode), the graph's inputs and outputs named as the model's; then imported back and compared again.
     */
    private static void assertOrtMatches(Functional model, Map<String, Tensor> inputs) throws Exception {
        Map<String, Tensor> expected;
        model.setTraining(false);
        try (NoGrad ignored = Autograd.noGrad()) {
            expected = model.apply(inputs);
        }
        Map<String, OnnxTensor> feeds = new HashMap<>();
        try (OrtSession session = ORT.createSession(OnnxExporter.toBytes(model), new OrtSession.SessionOptions())) {
            assertThat(session.getInputNames()).containsExactlyInAnyOrderElementsOf(model.inputNames());
            assertThat(session.getOutputNames()).containsExactlyInAnyOrderElementsOf(model.outputNames());
            for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
                long[] shape = java.util.Arrays.stream(e.getValue().shape()).asLongStream().toArray();
                feeds.put(e.getKey(), OnnxTensor.createTensor(ORT, FloatBuffer.wrap(e.getValue().data()), shape));
            }
            try (OrtSession.Result result = session.run(feeds)) {
                for (Map.Entry<String, Tensor> e : expected.entrySet()) {
                    OnnxTensor out = (OnnxTensor) result.get(e.getKey()).orElseThrow();
                    assertClose(e.getKey(), out, e.getValue());
                }
            }
        } finally {
            for (OnnxTensor t : feeds.values()) t.close();
        }
        OnnxRoundTripTest.assertRoundTrip(model, inputs);
    }

    private static void assertClose(String output, OnnxTensor out, Tensor expected) throws Exception {
        assertThat(out.getInfo().getShape()).as(output).containsExactly(java.util.Arrays.stream(expected.shape()).asLongStream().toArray());
        float[] actual = new float[expected.size()];
        out.getFloatBuffer().get(actual);
        float[] e = expected.data();
        double scale = 1;
        for (float v : e) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < e.length; i++) {
            assertThat((double) Math.abs(actual[i] - e[i])).as("%s[%d]: onnx %s, nabla %s", output, i, actual[i], e[i]).isLessThanOrEqualTo(1e-5 * scale);
        }
    }

    private static Tensor randomInput(long seed, int... shape) {
        return Tensor.normal(new Rng(seed), 0, 1, shape);
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void denseWithEveryActivation(Activation a) throws Exception {
        Sequential m = Sequential.of(Dense.of(6, a), new ActivationLayer(a), Dense.of(3));
        m.buildFor(1, 5);
        OnnxRoundTripTest.randomise(m, 1);
        assertOrtMatches(m, randomInput(2, 4, 5));
    }

    @Test
    void convolutionsAndPooling() throws Exception {
        Sequential m = Sequential.of(new Conv2D(4, 3, 1, Padding.VALID, true, Activation.RELU), new MaxPool2D(2, 2),
                new Conv2D(5, 3, 2, Padding.SAME, true, Activation.TANH), new AvgPool2D(2, 1), new Flatten(), Dense.of(3));
        m.buildFor(1, 2, 12, 11);
        OnnxRoundTripTest.randomise(m, 3);
        assertOrtMatches(m, randomInput(4, 3, 2, 12, 11));
    }

    @Test
    void globalPoolingReshapeAndNormalisation() throws Exception {
        Sequential m = Sequential.of(new Reshape(2, 4, 4), new Conv2D(3, 3, 1, Padding.SAME, false, Activation.LINEAR),
                new BatchNormalization(), new GlobalAveragePooling2D(), new Dropout(0.5), Dense.of(4), new BatchNormalization(),
                new LayerNormalization(), Dense.of(2, Activation.SOFTMAX));
        m.buildFor(1, 32);
        OnnxRoundTripTest.randomise(m, 5);
        assertOrtMatches(m, randomInput(6, 5, 32));
    }

    @Test
    void anEmbeddingGathersTheRowsOfItsIds() throws Exception {
        Sequential m = Sequential.of(Embedding.of(9, 4).paddingIndex(0), new Flatten(), Dense.of(3));
        m.buildFor(1, 5);
        OnnxRoundTripTest.randomise(m, 30);
        assertOrtMatches(m, Tensor.of(new float[] {1, 8, 0, 0, 3, 5, 5, 2, 7, 0}, 2, 5));
    }

    @Test
    void aCategoryEmbeddingGathersEachIndexColumnsRowsBesideTheNumericColumns() throws Exception {
        // Columns 0 and 2 hold indices (vocabularies 6 and 4), 1 and 3 are numbers.
        Sequential m = Sequential.of(CategoryEmbedding.of(Map.of(0, 6, 2, 4), 3), Dense.of(2));
        m.buildFor(1, 4);
        OnnxRoundTripTest.randomise(m, 37);
        assertOrtMatches(m, Tensor.of(new float[] {5, 0.5f, 3, -1f, 0, 2f, 1, 0.25f, 2, -0.5f, 0, 1.5f}, 3, 4));
    }

    @Test
    void conv1dWithEveryKindOfPadding() throws Exception {
        // [n, 3, 10] -> SAME stride 2 dilation 2 [n, 4, 5] (pads 1 and 2) -> 1 zero each side dilation 2 [n, 5, 5] -> VALID [n, 2, 4]
        Sequential m = Sequential.of(new Conv1D(4, 3, 2, Padding.SAME, 2, true, Activation.RELU), new Conv1D(5, 2, 1, 1, 2, true, Activation.TANH),
                new Conv1D(2, 2, 1, Padding.VALID, 1, false, Activation.LINEAR));
        m.buildFor(1, 3, 10);
        OnnxRoundTripTest.randomise(m, 31);
        assertOrtMatches(m, randomInput(32, 2, 3, 10));
    }

    @Test
    void poolingOverSequencesInBothLayouts() throws Exception {
        // [n, 3, 12] -> conv [n, 4, 12] -> max pool 3 stride 2 [n, 4, 5] -> avg pool 2 [n, 4, 2] -> mean over length [n, 4]
        Sequential conv = Sequential.of(new Conv1D(4, 3, 1, Padding.SAME, 1, true, Activation.RELU), new MaxPool1D(3, 2), new AvgPool1D(2),
                new GlobalAveragePooling1D(DataFormat.CHANNELS_FIRST), Dense.of(2));
        conv.buildFor(1, 3, 12);
        OnnxRoundTripTest.randomise(conv, 33);
        assertOrtMatches(conv, randomInput(34, 2, 3, 12));
        Sequential steps = Sequential.of(new Conv1D(4, 2, 1, 1, 1, true, Activation.TANH), new Permute(2, 1), new GlobalMaxPooling1D(), Dense.of(2));
        steps.buildFor(1, 3, 7);
        OnnxRoundTripTest.randomise(steps, 35);
        assertOrtMatches(steps, randomInput(36, 2, 3, 7));
    }

    /** Padded steps are left out of the pooling in ONNX as in Nabla: the mask is computed from the ids in the graph. */
    @Test
    void maskedPoolingOfAnEmbeddingLeavesOutThePaddedSteps() throws Exception {
        Tensor ids = Tensor.of(new float[] {3, 1, 0, 0, 2, 4, 4, 0, 0, 0, 0, 0, 5, 5, 5, 5}, 4, 4); // row 3 is all padding
        for (Layer pool : List.of(new GlobalAveragePooling1D(), new GlobalMaxPooling1D())) {
            Sequential m = Sequential.of(Embedding.of(6, 3).paddingIndex(0), new Dropout(0.2), new ActivationLayer(Activation.TANH), pool, Dense.of(2));
            m.buildFor(1, 4);
            OnnxRoundTripTest.randomise(m, 37);
            assertOrtMatches(m, ids);
        }
        // In a graph: the mask of the embedding's output survives a residual Add with a step-wise branch.
        SymbolicTensor in = Input.of("ids", 4);
        SymbolicTensor e = Embedding.of(6, 3).paddingIndex(0).call(in);
        SymbolicTensor sum = new Add().call(e, Dense.of(3, Activation.TANH).call(e));
        Functional f = Model.of(in, Dense.of(2).call(new GlobalAveragePooling1D().call(sum)));
        OnnxRoundTripTest.randomise(f, 38);
        assertOrtMatches(f, Map.of("ids", ids));
    }

    @Test
    void shapeLayersPermuteRepeatVectorZeroPaddingAndUpSampling() throws Exception {
        // [n, 2, 5, 4] -> conv [n, 3, 3, 2] -> pad [n, 3, 6, 3] -> up [n, 3, 12, 9] -> NHWC [n, 12, 9, 3] -> ... -> [n, 4, 3]
        Sequential m = Sequential.of(new Conv2D(3, 2, 1, Padding.VALID, true, Activation.TANH), new ZeroPadding2D(1, 2, 0, 1),
                new UpSampling2D(2, 3), new Permute(2, 3, 1), new Flatten(), Dense.of(4), new RepeatVector(3), new Permute(2, 1));
        m.buildFor(1, 2, 5, 4);
        OnnxRoundTripTest.randomise(m, 8);
        assertOrtMatches(m, randomInput(9, 3, 2, 5, 4));
        // Nearest upsampling alone, so that a half-pixel or rounding mismatch cannot hide behind a dense layer.
        Sequential up = Sequential.of(new UpSampling2D(3, 2), new ZeroPadding2D(2));
        up.buildFor(1, 2, 3, 4);
        assertOrtMatches(up, randomInput(10, 2, 2, 3, 4));
    }

    @Test
    void trainedW4MlpAndW5CnnMatch() throws Exception {
        Rng rng = new Rng(7);
        Tensor images = Tensor.uniform(rng, 0, 1, 64, 1, 28, 28);
        Tensor labels = Tensor.randint(rng, 0, 10, 64);
        Sequential mlp = Sequential.of(new Flatten(), Dense.of(256, Activation.RELU), Dense.of(128, Activation.RELU), Dense.of(10));
        Sequential cnn = Sequential.of(new Conv2D(32, 3, 1, Padding.VALID, true, Activation.RELU), new MaxPool2D(2, 2),
                new Conv2D(64, 3, 1, Padding.VALID, true, Activation.RELU), new MaxPool2D(2, 2), new Flatten(),
                Dense.of(128, Activation.RELU), Dense.of(10));
        for (Sequential m : new Sequential[] {mlp, cnn}) {
            m.seed(1);
            m.compile(Optimizers.adam(1e-3f), Losses.sparseCategoricalCrossentropy(true));
            m.fit(images, labels, FitOptions.epochs(2).batchSize(16));
            assertOrtMatches(m, images.slice(0, 0, 8));
        }
    }

    @Test
    void aLayerWithoutAnOnnxFormIsNamedAndNothingIsWritten(@TempDir Path dir) {
        class Doubler extends Layer {
            Doubler() {
                super("doubler");
            }

            @Override
            protected Tensor forward(Tensor x) {
                return x.mul(2f);
            }
        }
        Sequential m = Sequential.of(Dense.of(2), new Doubler());
        m.buildFor(1, 3);
        Path file = dir.resolve("m.onnx");
        assertThatThrownBy(() -> OnnxExporter.export(m, file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("layer doubler of type Doubler has no ONNX form");
        assertThat(Files.exists(file)).isFalse();
    }

    @Test
    void declaresASymbolicBatchAndProducer() throws Exception {
        Sequential m = Sequential.of(Dense.of(2));
        m.buildFor(1, 3);
        try (OrtSession s = ORT.createSession(OnnxExporter.toBytes(m), new OrtSession.SessionOptions())) {
            ai.onnxruntime.TensorInfo in = (ai.onnxruntime.TensorInfo) s.getInputInfo().get("input").getInfo();
            assertThat(in.getShape()).containsExactly(-1, 3);
            assertThat(s.getMetadata().getProducerName()).isEqualTo("Nabla");
        }
    }

    @Test
    void aResidualMlpMatches() throws Exception {
        SymbolicTensor x = Input.of("features", 6);
        SymbolicTensor h = Dense.of(8, Activation.RELU).call(x);
        SymbolicTensor r = new Add().call(h, Dense.of(8).call(Dense.of(8, Activation.RELU).call(h)));
        SymbolicTensor y = Dense.of(3, Activation.SOFTMAX).call(new LayerNormalization().call(r));
        Functional m = Model.of(x, y);
        OnnxRoundTripTest.randomise(m, 11);
        assertOrtMatches(m, Map.of("features", randomInput(12, 5, 6)));
        // Through the single-input path too, with the output named after its layer.
        try (OrtSession s = ORT.createSession(OnnxExporter.toBytes(m), new OrtSession.SessionOptions())) {
            ai.onnxruntime.TensorInfo in = (ai.onnxruntime.TensorInfo) s.getInputInfo().get("features").getInfo();
            assertThat(in.getShape()).containsExactly(-1, 6);
            assertThat(s.getOutputNames()).containsExactly(y.name());
        }
    }

    @Test
    void recurrentLayersWithGatesReorderedForOnnxMatch() throws Exception {
        Sequential m = Sequential.of(SimpleRNN.of(3).returnSequences(true), LSTM.of(4).returnSequences(true), GRU.of(5), Dense.of(2));
        m.buildFor(1, 6, 4);
        OnnxRoundTripTest.randomise(m, 21);
        assertOrtMatches(m, randomInput(22, 3, 6, 4));
        Sequential last = Sequential.of(LSTM.of(4), Dense.of(2));
        last.buildFor(1, 6, 4);
        OnnxRoundTripTest.randomise(last, 25);
        assertOrtMatches(last, randomInput(26, 3, 6, 4));
    }

    @Test
    void bidirectionalLayersMatchWithTheirHalvesSideBySide() throws Exception {
        Sequential m = Sequential.of(Bidirectional.of(LSTM.of(4).returnSequences(true)), Bidirectional.of(GRU.of(3).returnSequences(true)),
                Bidirectional.of(SimpleRNN.of(2)), Dense.of(2));
        m.buildFor(1, 5, 3);
        OnnxRoundTripTest.randomise(m, 23);
        assertOrtMatches(m, randomInput(24, 2, 5, 3));
    }

    /** Post-padded rows of ids (0 pads): full length, 3 real steps, 1, and none. */
    private static final Tensor POST_PADDED = Tensor.of(new float[] {2, 6, 5, 5, 1, 3, 1, 4, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 4, 5);

    /**
     * An embedding's padding mask reaches a recurrent layer as ONNX's sequence_lens: the padded steps output zeros,
     * the last output is the last real step's and the backward half of a Bidirectional starts at the last real step.
     */
    @Test
    void recurrentLayersAfterAPaddingEmbeddingSkipThePaddedSteps() throws Exception {
        List<Layer[]> stacks = List.of(
                new Layer[] {LSTM.of(4).returnSequences(true)},
                new Layer[] {LSTM.of(4)},
                new Layer[] {GRU.of(3).returnSequences(true), new Dropout(0.1), GRU.of(4)},
                new Layer[] {SimpleRNN.of(3).returnSequences(true)},
                new Layer[] {Bidirectional.of(LSTM.of(4).returnSequences(true))},
                new Layer[] {Bidirectional.of(LSTM.of(3).returnSequences(true)), Bidirectional.of(GRU.of(2))});
        long seed = 40;
        for (Layer[] stack : stacks) {
            Layer[] layers = new Layer[stack.length + 1];
            layers[0] = Embedding.of(7, 3).paddingIndex(0);
            System.arraycopy(stack, 0, layers, 1, stack.length);
            Sequential m = Sequential.of(layers);
            m.buildFor(1, 5);
            OnnxRoundTripTest.randomise(m, seed++);
            assertOrtMatches(m, POST_PADDED);
        }
    }

    /**
     * The padded keys get no attention in ONNX as in Nabla, in self-attention, an encoder layer and a decoder layer's
     * two attentions; a row with every key padded attends to nothing (its attention output is the projection's bias).
     */
    @Test
    void attentionAfterAPaddingEmbeddingSkipsThePaddedKeys() throws Exception {
        Sequential m = Sequential.of(Embedding.of(7, 8).paddingIndex(0), new MultiHeadAttention(2, 4),
                new MultiHeadAttention("causal", 2, 4, true),
                new TransformerEncoderLayer(null, 8, 2, 12, 0.0, FeedForwardActivation.GELU, true, 1e-5),
                new TransformerEncoderLayer(null, 8, 4, 6, 0.0, FeedForwardActivation.RELU, false, 1e-5));
        m.buildFor(1, 5);
        OnnxRoundTripTest.randomise(m, 50);
        assertOrtMatches(m, POST_PADDED);

        SymbolicTensor target = Input.of("target", 5), source = Input.of("source", 5);
        SymbolicTensor x = Embedding.of(7, 6).paddingIndex(0).call(target), memory = Embedding.of(7, 6).paddingIndex(0).call(source);
        SymbolicTensor cross = new MultiHeadAttention(null, 3, 2, false).call(x, memory);
        SymbolicTensor decoded = new TransformerDecoderLayer(null, 6, 2, 10, 0.0, FeedForwardActivation.GELU, true, 1e-5).call(cross, memory);
        Functional f = Model.of(List.of(target, source), new GlobalAveragePooling1D().call(decoded));
        OnnxRoundTripTest.randomise(f, 51);
        Tensor reversedRows = Tensor.of(new float[] {0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 3, 1, 4, 0, 0, 2, 6, 5, 5, 1}, 4, 5);
        assertOrtMatches(f, Map.of("target", POST_PADDED, "source", reversedRows));
    }

    @Test
    void initialStatesGivenAsGraphInputsMatch() throws Exception {
        SymbolicTensor x = Input.of("x", 5, 3), h0 = Input.of("h0", 4), c0 = Input.of("c0", 4);
        SymbolicTensor seq = LSTM.of(4).returnSequences(true).call(x, h0, c0);
        Functional m = Model.of(List.of(x, h0, c0), GRU.of(4).call(seq, h0));
        OnnxRoundTripTest.randomise(m, 27);
        assertOrtMatches(m, Map.of("x", randomInput(28, 2, 5, 3), "h0", randomInput(29, 2, 4), "c0", randomInput(30, 2, 4)));
    }

    @Test
    void aTwoInputModelMatches() throws Exception {
        SymbolicTensor image = Input.of("image", 1, 8, 8), side = Input.of("side", 3);
        SymbolicTensor conv = new Flatten().call(new MaxPool2D(2, 2).call(new Conv2D(2, 3, 1, Padding.SAME, true, Activation.RELU).call(image)));
        SymbolicTensor both = new Concatenate().call(conv, Dense.of(4, Activation.TANH).call(side));
        Functional m = Model.of(List.of(image, side), Dense.of(2).call(both));
        OnnxRoundTripTest.randomise(m, 13);
        assertOrtMatches(m, Map.of("image", randomInput(14, 4, 1, 8, 8), "side", randomInput(15, 4, 3)));
    }

    @Test
    void aTwoOutputModelMatches() throws Exception {
        SymbolicTensor x = Input.of("x", 5);
        SymbolicTensor h = new Dropout(0.3).call(Dense.of(6, Activation.RELU).call(x));
        Functional m = Model.of(List.of(x), Map.of("main", Dense.of(3, Activation.SOFTMAX).call(h), "aux", Dense.of(1, Activation.SIGMOID).call(h)));
        OnnxRoundTripTest.randomise(m, 16);
        assertOrtMatches(m, Map.of("x", randomInput(17, 3, 5)));
    }

    /** Every merge, and one layer called on both inputs: its weights are one set of initializers. */
    @Test
    void aSharedLayerAndEveryMergeMatch() throws Exception {
        SymbolicTensor a = Input.of("a", 6), b = Input.of("b", 6);
        Dense shared = Dense.of(6, Activation.TANH);
        SymbolicTensor sa = shared.call(a), sb = shared.call(b);
        Reshape pairs = new Reshape(3, 2); // a shared layer without weights: its target shape is one initializer too
        SymbolicTensor ra = pairs.call(sa), rb = pairs.call(sb);
        List<SymbolicTensor> parts = List.of(new Add().call(sa, sb, a), new Subtract().call(sa, sb), new Multiply().call(sa, sb, b),
                new Average().call(sa, sb, a), new Maximum().call(sa, sb, b), new Minimum().call(sa, sb),
                new Dot(1).call(sa, sb), new Dot(-1, true).call(sa, b),
                new Flatten().call(new Dot(2).call(ra, rb)), new Flatten().call(new Dot("gram", 1, 1, true).call(ra, rb)),
                new Flatten().call(new Dot("mixed", 2, 1, false).call(ra, new Reshape(2, 3).call(sb))));
        SymbolicTensor joined = new Concatenate().call(parts.toArray(new SymbolicTensor[0]));
        Functional m = Model.of(List.of(a, b), Dense.of(4).call(joined));
        OnnxRoundTripTest.randomise(m, 18);
        assertOrtMatches(m, Map.of("a", randomInput(19, 3, 6), "b", randomInput(20, 3, 6)));
        // Two calls of one layer add no second copy of its kernel: the file is no larger than with one call.
        Layer.resetNames();
        SymbolicTensor x = Input.of("x", 6);
        Dense once = Dense.of(6);
        Functional single = Model.of(x, once.call(x));
        Layer.resetNames();
        SymbolicTensor y = Input.of("x", 6);
        Dense twice = Dense.of(6);
        Functional reused = Model.of(y, twice.call(twice.call(y)));
        int kernelBytes = 6 * 6 * 4;
        assertThat(OnnxExporter.toBytes(reused).length).isLessThan(OnnxExporter.toBytes(single).length + kernelBytes);
        OnnxRoundTripTest.randomise(reused, 21);
        assertOrtMatches(reused, Map.of("x", randomInput(22, 2, 6)));
    }

    /** A Sequential in a Sequential; a two-input functional model called twice and a Sequential, in a functional model. */
    @Test
    void modelsUsedAsLayersMatch() throws Exception {
        Sequential stacked = Sequential.of(Sequential.of(Dense.of(4, Activation.RELU), Dense.of(3)), Dense.of(2));
        stacked.buildFor(1, 5);
        OnnxRoundTripTest.randomise(stacked, 23);
        assertOrtMatches(stacked, randomInput(24, 3, 5));

        SymbolicTensor p = Input.of("p", 4), q = Input.of("q", 2);
        Functional pair = Model.of(List.of(p, q), List.of(new Concatenate().call(Dense.of(3, Activation.TANH).call(p), q)));
        SymbolicTensor a = Input.of("a", 4), b = Input.of("b", 2), c = Input.of("c", 4);
        SymbolicTensor merged = new Add().call(pair.call(a, b), pair.call(c, b));
        Functional m = Model.of(List.of(a, b, c), Sequential.of(Dense.of(3, Activation.RELU), Dense.of(1)).call(merged));
        OnnxRoundTripTest.randomise(m, 25);
        assertOrtMatches(m, Map.of("a", randomInput(26, 3, 4), "b", randomInput(27, 3, 2), "c", randomInput(28, 3, 4)));
    }

    /** A model of its own kind, neither Sequential nor functional. */
    private static final class Custom extends Model {
        Custom() {
            super("custom");
        }

        @Override
        protected Tensor forward(Tensor x) {
            return x;
        }
    }

    @Test
    void aLayerThatIsAModelOfAnotherKindIsRefusedByName() {
        Sequential m = Sequential.of(Dense.of(2), new Custom());
        m.buildFor(1, 3);
        assertThatThrownBy(() -> OnnxExporter.toBytes(m)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ONNX export: custom is a Custom; only Sequential and functional models (Model.of) export to ONNX");
    }

    @Test
    void aModelThatIsNeitherSequentialNorFunctionalIsRefused() {
        assertThatThrownBy(() -> OnnxExporter.toBytes(new Custom())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ONNX export: custom is a Custom; only Sequential and functional models (Model.of) export to ONNX");
    }

    /** The exporter's own value names ("dense_0", ...) never take a name the model gives an input or an output. */
    @Test
    void inputAndOutputNamesThatLookGeneratedStayTheModels() throws Exception {
        SymbolicTensor x = Input.of("dense_0", 4);
        SymbolicTensor h = Dense.of(3, Activation.RELU).call(x);
        Functional m = Model.of(List.of(x), Map.of("dense_2", h, "dense_1_4", Dense.of(2).call(h)));
        OnnxRoundTripTest.randomise(m, 23);
        assertOrtMatches(m, Map.of("dense_0", randomInput(24, 3, 4)));
    }

    @Test
    void positionEmbeddingsAttentionAndEncoderLayersMatch() throws Exception {
        Sequential m = Sequential.of(new PositionalEmbedding(7, 8), new SinusoidalPositionalEmbedding(),
                new MultiHeadAttention("causal", 2, 4, true), new MultiHeadAttention("narrow", 4, 3, false),
                new TransformerEncoderLayer(null, 8, 2, 12, 0.1, FeedForwardActivation.GELU, true, 1e-5),
                new TransformerEncoderLayer(null, 8, 4, 6, 0.0, FeedForwardActivation.RELU, false, 1e-6), Dense.of(3));
        m.buildFor(1, 5, 8);
        OnnxRoundTripTest.randomise(m, 25);
        assertOrtMatches(m, randomInput(26, 3, 5, 8));
    }

    @Test
    void crossAttentionAndTheDecoderLayerMatch() throws Exception {
        SymbolicTensor x = Input.of("x", 4, 6), memory = Input.of("memory", 5, 6), other = Input.of("other", 5, 6);
        SymbolicTensor cross = new MultiHeadAttention(null, 3, 2, true).call(x, memory);
        SymbolicTensor keyUnlikeValue = new MultiHeadAttention(null, 2, 3, false).call(cross, memory, other);
        SymbolicTensor pre = new TransformerDecoderLayer(null, 6, 2, 10, 0.0, FeedForwardActivation.GELU, true, 1e-5).call(keyUnlikeValue, memory);
        SymbolicTensor post = new TransformerDecoderLayer(null, 6, 3, 10, 0.0, FeedForwardActivation.RELU, false, 1e-5).call(pre, other);
        Functional m = Model.of(List.of(x, memory, other), post);
        OnnxRoundTripTest.randomise(m, 27);
        assertOrtMatches(m, Map.of("x", randomInput(28, 2, 4, 6), "memory", randomInput(29, 2, 5, 6), "other", randomInput(30, 2, 5, 6)));
    }

    /** The W7 vision Transformer's layers, patches to logits. */
    @Test
    void theW7VisionTransformerMatches() throws Exception {
        Sequential m = Sequential.of(new Reshape(4, 7, 4, 7), new Permute(1, 3, 2, 4), new Reshape(16, 49),
                Dense.pytorchStyle(64, Activation.LINEAR), new PositionalEmbedding(16, 64),
                new TransformerEncoderLayer(null, 64, 4, 128, 0.0, FeedForwardActivation.GELU, true, 1e-5),
                new TransformerEncoderLayer(null, 64, 4, 128, 0.0, FeedForwardActivation.GELU, true, 1e-5),
                new GlobalAveragePooling1D(), new LayerNormalization(),
                Dense.pytorchStyle(10, Activation.LINEAR));
        m.seed(3).buildFor(1, 784);
        assertOrtMatches(m, Tensor.uniform(new Rng(31), 0, 1, 4, 784));
    }
}
