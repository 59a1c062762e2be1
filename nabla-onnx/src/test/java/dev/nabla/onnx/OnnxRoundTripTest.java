package dev.nabla.onnx;

import dev.nabla.autograd.Autograd;
import dev.nabla.autograd.NoGrad;
import dev.nabla.nn.Activation;
import dev.nabla.nn.AvgPool2D;
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

    private static void assertRoundTrip(Model model, Map<String, Tensor> inputs) {
        model.setTraining(false);
        Map<String, Tensor> expected = model.predict(inputs);
        Functional imported = OnnxImporter.fromBytes(OnnxExporter.toBytes(model), "export.onnx");
        imported.setTraining(false);
        Map<String, Tensor> got = imported.predict(inputs);
        assertThat(got.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach((k, v) -> OnnxImportTest.assertClose(got.get(k), v));
        assertThat(imported.trainableParameterCount()).isEqualTo(model.trainableParameterCount());
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
}
